//! Property tests of the grading core, each against an oracle written from the rules
//! (module docs and the barème of `common::BAREME`), not from the implementation:
//!
//! 1. the copy status machine: random walks of `status::next` from any status, and
//!    random sequences of real store operations on one copy (lease, release, finalize,
//!    reopen, force-release, identify), keep "nothing returns to staging", "graded is
//!    entered only by finalize from leased and left only by reopen", "leased is entered
//!    only by a lease", "a refused move is a `conflict` and changes nothing", and in the store
//!    "leased iff the lease row is active" and "a graded copy has no active lease";
//! 2. lease fencing: three teachers, an admin and a moving clock; a record of every
//!    token issued decides which takes, renewals, releases, writes and finalizations
//!    are accepted, that tokens strictly increase, and which error code a refusal has;
//! 3. undo/redo: annotations and scores edited through one `History` must always show
//!    exactly the snapshot an independent list-and-cursor model says (run twice: with
//!    coordinates on a 1/1000 grid, and with any coordinate in [0, 1]);
//! 4. score validation: a leaf's points are accepted iff 0 ≤ points ≤ max and a multiple
//!    of the leaf's step (refusals are `validation` and change nothing), and
//!    `Points::parse` reads back what `Points` prints.

mod common;

use common::{station, Station};
use korrigo_core::grading::annotation::{Pt, StampKind, StrokePt};
use korrigo_core::grading::status::next;
use korrigo_core::grading::totals::PointsSource;
use korrigo_core::grading::{
    AnnotationPatch, CopyEvent, History, Lease, LeaseState, NewAnnotation, Points, Shape, Style,
};
use korrigo_core::model::CopyStatus;
use korrigo_core::store::{NewStudent, Role, Writer};
use korrigo_core::{Error, ErrorCode};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeMap;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const T0: OffsetDateTime = datetime!(2026-11-20 08:00 UTC);
const TTL: Duration = Duration::minutes(30);

/// No regression files are written next to the tests; shrinking is bounded so that a
/// failing store property still reports within seconds.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    }
}

/// The leaves of `common::BAREME`, written out by hand: id, maximum and step in
/// quarters, and whether score stamps count down from the maximum.
struct LeafSpec {
    id: &'static str,
    max: i64,
    step: i64,
    from_max: bool,
}

const LEAVES: [LeafSpec; 4] = [
    LeafSpec {
        id: "q1",
        max: 8,
        step: 2,
        from_max: false,
    },
    LeafSpec {
        id: "q2a",
        max: 6,
        step: 2,
        from_max: false,
    },
    LeafSpec {
        id: "q2b",
        max: 4,
        step: 1,
        from_max: true,
    },
    LeafSpec {
        id: "ex2",
        max: 22,
        step: 2,
        from_max: false,
    },
];

fn q(quarters: i64) -> Points {
    Points::from_quarters(quarters)
}

fn fail(what: &str, e: &Error) -> TestCaseError {
    TestCaseError::fail(format!("{what}: {:?}: {}", e.code, e.message))
}

fn outcome<T>(r: &Result<T, Error>) -> Result<(), (ErrorCode, String)> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err((e.code, e.message.clone())),
    }
}

// ---------------------------------------------------------------------------------------
// 1. The status machine
// ---------------------------------------------------------------------------------------

const STATUSES: [CopyStatus; 5] = [
    CopyStatus::Staging,
    CopyStatus::NeedsReview,
    CopyStatus::Ready,
    CopyStatus::Leased,
    CopyStatus::Graded,
];

const EVENTS: [CopyEvent; 6] = [
    CopyEvent::Flag,
    CopyEvent::Resolve,
    CopyEvent::Lease,
    CopyEvent::Release,
    CopyEvent::Finalize,
    CopyEvent::Reopen,
];

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn status_machine_walks_keep_the_invariants(
        start in prop::sample::select(STATUSES.to_vec()),
        events in prop::collection::vec(prop::sample::select(EVENTS.to_vec()), 0..64),
    ) {
        let mut s = start;
        for e in events {
            match next(s, e) {
                Ok(t) => {
                    prop_assert_ne!(t, CopyStatus::Staging, "{:?} --{:?}--> staging", s, e);
                    if t == CopyStatus::Graded && s != CopyStatus::Graded {
                        prop_assert!(
                            s == CopyStatus::Leased && e == CopyEvent::Finalize,
                            "graded entered from {:?} by {:?}", s, e
                        );
                    }
                    if s == CopyStatus::Graded {
                        // Read-only: the only accepted move is the way out, by reopen.
                        prop_assert_eq!(e, CopyEvent::Reopen, "graded accepted {:?} (to {:?})", e, t);
                        prop_assert_ne!(t, CopyStatus::Graded);
                    }
                    if t == CopyStatus::Leased && s != CopyStatus::Leased {
                        prop_assert_eq!(e, CopyEvent::Lease, "leased entered from {:?}", s);
                    }
                    if e == CopyEvent::Lease {
                        prop_assert_eq!(t, CopyStatus::Leased);
                    }
                    if matches!(e, CopyEvent::Flag | CopyEvent::Resolve) {
                        // The writer of a leased or graded copy does not change.
                        prop_assert!(
                            !matches!(s, CopyStatus::Leased | CopyStatus::Graded),
                            "{:?} accepted on a {:?} copy", e, s
                        );
                    }
                    s = t;
                }
                Err(err) => {
                    prop_assert_eq!(err.code, ErrorCode::Conflict, "{:?} --{:?}: {}", s, e, err.message);
                    prop_assert!(!err.message.is_empty());
                    // The refused move leaves `s` as it was: the walk goes on from it.
                }
            }
        }
    }
}

#[test]
fn status_machine_allows_the_grading_path() {
    // Without these, a machine refusing everything would pass the invariants above.
    use CopyEvent as E;
    use CopyStatus as S;
    assert_eq!(next(S::Ready, E::Lease).unwrap(), S::Leased);
    assert_eq!(next(S::Leased, E::Lease).unwrap(), S::Leased);
    assert_eq!(next(S::Leased, E::Release).unwrap(), S::Ready);
    assert_eq!(next(S::Leased, E::Finalize).unwrap(), S::Graded);
    assert_eq!(next(S::Graded, E::Reopen).unwrap(), S::Ready);
    assert_eq!(next(S::Ready, E::Flag).unwrap(), S::NeedsReview);
    assert_eq!(next(S::NeedsReview, E::Resolve).unwrap(), S::Ready);
}

#[derive(Debug, Clone)]
enum StoreOp {
    /// Teacher 0 or 1 takes (or renews) the lease.
    Take(usize),
    /// The teacher releases with the last token they were given.
    Release(usize),
    /// The teacher finalizes with their last token, after scoring every leaf with it
    /// (`true`) or not.
    Finalize(usize, bool),
    Reopen,
    ForceRelease,
    IdentifyUnknown,
    IdentifyStudent,
    Advance(i64),
}

fn store_op() -> impl Strategy<Value = StoreOp> {
    prop_oneof![
        4 => (0..2usize).prop_map(StoreOp::Take),
        2 => (0..2usize).prop_map(StoreOp::Release),
        3 => ((0..2usize), any::<bool>()).prop_map(|(u, s)| StoreOp::Finalize(u, s)),
        2 => Just(StoreOp::Reopen),
        1 => Just(StoreOp::ForceRelease),
        1 => Just(StoreOp::IdentifyUnknown),
        1 => Just(StoreOp::IdentifyStudent),
        2 => (0..=40i64).prop_map(StoreOp::Advance),
    ]
}

const TEACHERS: [&str; 3] = ["ann", "bob", "cid"];

fn status_of(s: &Station, c: &str) -> Result<CopyStatus, TestCaseError> {
    Ok(s.store
        .copy(c)
        .map_err(|e| fail("read the copy", &e))?
        .status)
}

fn lease_of(s: &Station, c: &str) -> Result<Option<Lease>, TestCaseError> {
    s.store.lease(c).map_err(|e| fail("read the lease", &e))
}

fn run_store_status(ops: Vec<StoreOp>) -> Result<(), TestCaseError> {
    let mut s = station(1);
    let c = s.copies[0].clone();
    for t in &TEACHERS[..2] {
        s.store.set_user(t, Role::Teacher).unwrap();
    }
    s.store
        .upsert_students(
            &s.exam,
            &[NewStudent {
                last_name: "Martin".into(),
                first_name: "Léa".into(),
                birth_date: None,
                email: Some("lea.martin@example.org".into()),
                class: None,
                group: None,
            }],
        )
        .unwrap();
    let student = s.store.students(&s.exam).unwrap()[0].id.clone();
    let mut now = T0;
    s.store.set_clock(Some(now));
    let mut tokens: [Option<i64>; 2] = [None, None];

    for (step, op) in ops.iter().enumerate() {
        let before = status_of(&s, &c)?;
        let lease_before = lease_of(&s, &c)?;
        let active_before = lease_before.as_ref().filter(|l| l.is_active());
        let at = format!("step {step} {op:?} from {before:?}");
        // Whether the rules say the operation must be accepted, and its status event.
        let (result, must_succeed, event): (Result<(), Error>, bool, Option<CopyEvent>) = match op {
            StoreOp::Take(u) => {
                s.store.set_actor(TEACHERS[*u]);
                let free = match active_before {
                    None => true,
                    Some(l) => l.holder.user == TEACHERS[*u] || now >= l.expires_at,
                };
                let r = s.store.take_lease(&c, TTL);
                if let Ok(l) = &r {
                    tokens[*u] = Some(l.token);
                }
                let ok = free && matches!(before, CopyStatus::Ready | CopyStatus::Leased);
                (r.map(drop), ok, Some(CopyEvent::Lease))
            }
            StoreOp::Release(u) => {
                s.store.set_actor(TEACHERS[*u]);
                let ok = active_before
                    .is_some_and(|l| l.holder.user == TEACHERS[*u] && Some(l.token) == tokens[*u]);
                let r = s.store.release_lease(&c, tokens[*u]).map(drop);
                (r, ok, Some(CopyEvent::Release))
            }
            StoreOp::Finalize(u, score_first) => {
                s.store.set_actor(TEACHERS[*u]);
                if *score_first {
                    for leaf in &LEAVES {
                        // May be refused (no lease, graded): finalize then is too.
                        let _ = s
                            .store
                            .set_points(&c, tokens[*u], leaf.id, Some(q(leaf.max)));
                    }
                }
                let complete = s.store.grade(&c).map_err(|e| fail("grade", &e))?.complete;
                let holds = active_before
                    .is_some_and(|l| l.holder.user == TEACHERS[*u] && Some(l.token) == tokens[*u]);
                let r = s.store.finalize(&c, tokens[*u]).map(drop);
                if holds && !complete {
                    prop_assert_eq!(
                        r.as_ref().map_err(|e| e.code).err(),
                        Some(ErrorCode::Validation),
                        "{}: finalize of an incompletely scored copy",
                        at
                    );
                }
                (r, holds && complete, Some(CopyEvent::Finalize))
            }
            StoreOp::Reopen => {
                s.store.set_actor("admin");
                let r = s.store.reopen(&c, Some("property test"));
                (r, before == CopyStatus::Graded, Some(CopyEvent::Reopen))
            }
            StoreOp::ForceRelease => {
                s.store.set_actor("admin");
                let r = s.store.force_release_lease(&c, None).map(drop);
                (r, active_before.is_some(), Some(CopyEvent::Release))
            }
            StoreOp::IdentifyUnknown => {
                s.store.set_actor("admin");
                let r = s.store.identify_copy(&c, &Writer::Unknown, false);
                let ok = matches!(before, CopyStatus::Ready | CopyStatus::NeedsReview);
                (r, ok, Some(CopyEvent::Flag))
            }
            StoreOp::IdentifyStudent => {
                s.store.set_actor("admin");
                let r = s
                    .store
                    .identify_copy(&c, &Writer::Student(student.clone()), false);
                let ok = matches!(before, CopyStatus::Ready | CopyStatus::NeedsReview);
                (r, ok, Some(CopyEvent::Resolve))
            }
            StoreOp::Advance(m) => {
                now += Duration::minutes(*m);
                s.store.set_clock(Some(now));
                (Ok(()), true, None)
            }
        };
        let after = status_of(&s, &c)?;
        let lease_after = lease_of(&s, &c)?;
        let active_after = lease_after.as_ref().is_some_and(Lease::is_active);

        // The store invariants.
        prop_assert_ne!(after, CopyStatus::Staging, "{}", at);
        prop_assert_eq!(
            after == CopyStatus::Leased,
            active_after,
            "{}: status {:?} but lease {:?}",
            at,
            after,
            lease_after
        );
        if after == CopyStatus::Graded {
            prop_assert!(!active_after, "{}: graded with an active lease", at);
        }
        // The machine's invariants, seen through the store.
        if after == CopyStatus::Graded && before != CopyStatus::Graded {
            prop_assert!(
                matches!(op, StoreOp::Finalize(..)) && before == CopyStatus::Leased,
                "{}: graded entered",
                at
            );
        }
        if before == CopyStatus::Graded && after != CopyStatus::Graded {
            prop_assert!(matches!(op, StoreOp::Reopen), "{}: graded left", at);
        }
        if after == CopyStatus::Leased && before != CopyStatus::Leased {
            prop_assert!(matches!(op, StoreOp::Take(_)), "{}: leased entered", at);
        }

        prop_assert_eq!(
            result.is_ok(),
            must_succeed,
            "{}: got {:?}",
            at,
            outcome(&result)
        );
        match &result {
            Err(e) => {
                prop_assert_eq!(after, before, "{}: refused ({}) but moved", at, e.message);
                prop_assert_eq!(
                    &lease_after,
                    &lease_before,
                    "{}: refused but the lease changed",
                    at
                );
                let allowed: &[ErrorCode] = match op {
                    StoreOp::Release(_) => &[ErrorCode::Conflict, ErrorCode::LeaseLost],
                    StoreOp::Finalize(..) => &[
                        ErrorCode::Conflict,
                        ErrorCode::LeaseLost,
                        ErrorCode::Validation,
                    ],
                    _ => &[ErrorCode::Conflict],
                };
                prop_assert!(
                    allowed.contains(&e.code),
                    "{}: {:?}: {}",
                    at,
                    e.code,
                    e.message
                );
                // A move the status machine refuses is a conflict (release and finalize
                // check the caller's lease first, so they may say `lease_lost` instead).
                if let (Some(ev), false) = (
                    event,
                    matches!(op, StoreOp::Release(_) | StoreOp::Finalize(..)),
                ) {
                    if next(before, ev).is_err() {
                        prop_assert_eq!(e.code, ErrorCode::Conflict, "{}: {}", at, e.message);
                    }
                }
            }
            Ok(()) => {
                if let Some(ev) = event {
                    prop_assert_eq!(
                        next(before, ev).ok(),
                        Some(after),
                        "{}: moved to {:?}",
                        at,
                        after
                    );
                }
                let state = lease_after.as_ref().map(|l| l.state);
                match op {
                    StoreOp::Take(u) => {
                        let l = lease_after.as_ref().unwrap();
                        prop_assert_eq!(&l.holder.user, TEACHERS[*u], "{}", at);
                        prop_assert_eq!(after, CopyStatus::Leased);
                    }
                    StoreOp::Release(_) => prop_assert_eq!(state, Some(LeaseState::Released)),
                    StoreOp::ForceRelease => prop_assert_eq!(state, Some(LeaseState::Forced)),
                    StoreOp::Finalize(..) => prop_assert_eq!(state, Some(LeaseState::Finalized)),
                    StoreOp::IdentifyUnknown => prop_assert_eq!(after, CopyStatus::NeedsReview),
                    StoreOp::IdentifyStudent => prop_assert_eq!(after, CopyStatus::Ready),
                    StoreOp::Reopen | StoreOp::Advance(_) => {}
                }
                if !matches!(
                    op,
                    StoreOp::Take(_)
                        | StoreOp::Release(_)
                        | StoreOp::ForceRelease
                        | StoreOp::Finalize(..)
                ) {
                    prop_assert_eq!(&lease_after, &lease_before, "{}: the lease changed", at);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn store_status_follows_the_lease_row(ops in prop::collection::vec(store_op(), 1..40)) {
        run_store_status(ops)?;
    }
}

// ---------------------------------------------------------------------------------------
// 2. Lease fencing
// ---------------------------------------------------------------------------------------

/// A token as a client may send it.
#[derive(Debug, Clone)]
enum Tok {
    /// The most recently issued token.
    Latest,
    /// One of the tokens issued so far (any holder, possibly stale).
    Issued(Index),
    None,
    /// A token the station never issued.
    Never(bool),
}

#[derive(Debug, Clone)]
enum LeaseOp {
    Take(usize),
    Renew(usize, Tok),
    Release(usize, Tok),
    ForceRelease,
    Advance(i64),
    /// Sets q1 to these quarters, or clears it.
    Write(usize, Tok, Option<i64>),
    Finalize(usize, Tok),
    Reopen,
}

fn tok() -> impl Strategy<Value = Tok> {
    prop_oneof![
        3 => Just(Tok::Latest),
        3 => any::<Index>().prop_map(Tok::Issued),
        1 => Just(Tok::None),
        1 => any::<bool>().prop_map(Tok::Never),
    ]
}

/// The user index that stands for the teacher who last took the lease.
const LAST_TAKER: usize = TEACHERS.len();

impl LeaseOp {
    /// The operation with `LAST_TAKER` replaced by the teacher `last` (by index).
    fn by(&self, last: usize) -> LeaseOp {
        let u = |u: &usize| if *u == LAST_TAKER { last } else { *u };
        match self {
            LeaseOp::Take(x) => LeaseOp::Take(u(x)),
            LeaseOp::Renew(x, t) => LeaseOp::Renew(u(x), t.clone()),
            LeaseOp::Release(x, t) => LeaseOp::Release(u(x), t.clone()),
            LeaseOp::Write(x, t, p) => LeaseOp::Write(u(x), t.clone(), *p),
            LeaseOp::Finalize(x, t) => LeaseOp::Finalize(u(x), t.clone()),
            other => other.clone(),
        }
    }
}

fn lease_op() -> impl Strategy<Value = LeaseOp> {
    // A teacher by index, or (index `LAST_TAKER`) whoever last took the lease.
    let user = prop_oneof![3 => 0..TEACHERS.len(), 2 => Just(LAST_TAKER)];
    prop_oneof![
        4 => user.clone().prop_map(LeaseOp::Take),
        2 => (user.clone(), tok()).prop_map(|(u, t)| LeaseOp::Renew(u, t)),
        2 => (user.clone(), tok()).prop_map(|(u, t)| LeaseOp::Release(u, t)),
        1 => Just(LeaseOp::ForceRelease),
        3 => (0..=45i64).prop_map(LeaseOp::Advance),
        6 => (user.clone(), tok(), prop::option::weighted(0.85, (0..=4i64).prop_map(|k| k * 2)))
            .prop_map(|(u, t, p)| LeaseOp::Write(u, t, p)),
        2 => (user, tok()).prop_map(|(u, t)| LeaseOp::Finalize(u, t)),
        2 => Just(LeaseOp::Reopen),
    ]
}

/// What the test believes about the copy's lease.
#[derive(Debug, Clone)]
struct LeaseModel {
    holder: String,
    token: i64,
    expires: OffsetDateTime,
    active: bool,
}

fn run_lease_fencing(ops: Vec<LeaseOp>) -> Result<(), TestCaseError> {
    let mut s = station(1);
    let c = s.copies[0].clone();
    for t in TEACHERS {
        s.store.set_user(t, Role::Teacher).unwrap();
    }
    let mut now = T0;
    s.store.set_clock(Some(now));
    // Every leaf is scored beforehand: finalizing then needs q1 not to have been cleared.
    let first = s.store.take_lease(&c, TTL).unwrap();
    for leaf in &LEAVES {
        s.store
            .set_points(&c, Some(first.token), leaf.id, Some(q(leaf.step)))
            .unwrap();
    }
    s.store.release_lease(&c, Some(first.token)).unwrap();
    let mut issued: Vec<i64> = vec![first.token];
    let mut model = LeaseModel {
        holder: "admin".into(),
        token: first.token,
        expires: now + TTL,
        active: false,
    };
    let mut graded = false;
    let mut q1 = Some(q(LEAVES[0].step));
    let mut last_taker = 0;

    for (step, op) in ops.iter().enumerate() {
        let op = &op.by(last_taker);
        let at = format!("step {step} {op:?}");
        let resolve = |t: &Tok, issued: &[i64]| match t {
            Tok::Latest => issued.last().copied(),
            Tok::Issued(i) => Some(*i.get(issued)),
            Tok::None => None,
            Tok::Never(false) => Some(0),
            Tok::Never(true) => Some(1_000_000),
        };
        // Who may write with `token` now, and the code of the refusal otherwise.
        let verdict = |user: usize, token: Option<i64>, model: &LeaseModel| {
            if graded {
                Err(ErrorCode::Conflict)
            } else if model.active && model.holder == TEACHERS[user] && token == Some(model.token) {
                Ok(())
            } else {
                Err(ErrorCode::LeaseLost)
            }
        };
        let codes = |r: Result<(), Error>| r.map_err(|e| e.code);
        match op {
            LeaseOp::Take(u) => {
                s.store.set_actor(TEACHERS[*u]);
                let r = s.store.take_lease(&c, TTL);
                let renewal = model.active && model.holder == TEACHERS[*u];
                let blocked = model.active && !renewal && now < model.expires;
                if graded || blocked {
                    prop_assert_eq!(
                        r.as_ref().map(|_| ()).map_err(|e| e.code),
                        Err(ErrorCode::Conflict),
                        "{}",
                        at
                    );
                } else {
                    let l = r.map_err(|e| fail(&at, &e))?;
                    prop_assert_eq!(&l.holder.user, TEACHERS[*u]);
                    prop_assert_eq!(l.expires_at, now + TTL, "{}", at);
                    if renewal {
                        prop_assert_eq!(l.token, model.token, "{}: a renewal keeps the token", at);
                    } else {
                        let top = issued.iter().copied().max().unwrap_or(0);
                        prop_assert!(
                            l.token > top,
                            "{}: token {} after {:?}",
                            at,
                            l.token,
                            issued
                        );
                        issued.push(l.token);
                    }
                    last_taker = *u;
                    model = LeaseModel {
                        holder: TEACHERS[*u].into(),
                        token: l.token,
                        expires: now + TTL,
                        active: true,
                    };
                }
            }
            LeaseOp::Renew(u, t) => {
                s.store.set_actor(TEACHERS[*u]);
                let token = resolve(t, &issued);
                let want = verdict(*u, token, &model);
                let r = s.store.renew_lease(&c, token, TTL);
                if let Ok(l) = &r {
                    prop_assert_eq!(l.token, model.token, "{}", at);
                    prop_assert_eq!(l.expires_at, now + TTL, "{}", at);
                }
                prop_assert_eq!(codes(r.map(drop)), want, "{}", at);
                if want.is_ok() {
                    model.expires = now + TTL;
                }
            }
            LeaseOp::Release(u, t) => {
                s.store.set_actor(TEACHERS[*u]);
                let token = resolve(t, &issued);
                let want = verdict(*u, token, &model);
                let r = s.store.release_lease(&c, token).map(drop);
                prop_assert_eq!(codes(r), want, "{}", at);
                if want.is_ok() {
                    model.active = false;
                }
            }
            LeaseOp::ForceRelease => {
                s.store.set_actor("admin");
                let r = s.store.force_release_lease(&c, Some("absent")).map(drop);
                let want = if model.active {
                    Ok(())
                } else {
                    Err(ErrorCode::Conflict)
                };
                prop_assert_eq!(codes(r), want, "{}", at);
                model.active = false;
            }
            LeaseOp::Advance(m) => {
                now += Duration::minutes(*m);
                s.store.set_clock(Some(now));
            }
            LeaseOp::Write(u, t, quarters) => {
                s.store.set_actor(TEACHERS[*u]);
                let token = resolve(t, &issued);
                let want = verdict(*u, token, &model);
                let r = s
                    .store
                    .set_points(&c, token, "q1", quarters.map(q))
                    .map(drop);
                prop_assert_eq!(codes(r), want, "{}", at);
                if want.is_ok() {
                    q1 = quarters.map(q);
                }
            }
            LeaseOp::Finalize(u, t) => {
                s.store.set_actor(TEACHERS[*u]);
                let token = resolve(t, &issued);
                let want = verdict(*u, token, &model).and_then(|()| {
                    if q1.is_some() {
                        Ok(())
                    } else {
                        Err(ErrorCode::Validation)
                    }
                });
                let r = s.store.finalize(&c, token).map(drop);
                prop_assert_eq!(codes(r), want, "{}", at);
                if want.is_ok() {
                    graded = true;
                    model.active = false;
                }
            }
            LeaseOp::Reopen => {
                s.store.set_actor("admin");
                let r = s.store.reopen(&c, None);
                let want = if graded {
                    Ok(())
                } else {
                    Err(ErrorCode::Conflict)
                };
                prop_assert_eq!(codes(r), want, "{}", at);
                graded = false;
            }
        }

        // The store agrees with the model after every step.
        let l = lease_of(&s, &c)?.ok_or_else(|| TestCaseError::fail("the lease row vanished"))?;
        prop_assert_eq!(l.token, model.token, "{}: lease {:?}", at, l);
        prop_assert_eq!(&l.holder.user, &model.holder, "{}", at);
        prop_assert_eq!(l.is_active(), model.active, "{}: lease {:?}", at, l);
        if model.active {
            prop_assert_eq!(l.expires_at, model.expires, "{}", at);
        }
        let want_status = if graded {
            CopyStatus::Graded
        } else if model.active {
            CopyStatus::Leased
        } else {
            CopyStatus::Ready
        };
        prop_assert_eq!(status_of(&s, &c)?, want_status, "{}", at);
        let g = s.store.grade(&c).map_err(|e| fail("grade", &e))?;
        prop_assert_eq!(g.node("q1").unwrap().points, q1, "{}: q1 reads back", at);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn leases_fence_writes_by_token(ops in prop::collection::vec(lease_op(), 1..60)) {
        run_lease_fencing(ops)?;
    }
}

// ---------------------------------------------------------------------------------------
// 3. Undo and redo
// ---------------------------------------------------------------------------------------

/// How coordinates, sizes and widths are drawn: on a grid of short decimals, or any
/// double in range (as a pointer's position divided by the page size gives).
#[derive(Debug, Clone, Copy)]
enum Grain {
    Grid,
    Any,
}

/// A number in [lo, hi] (lo > 0 means the range excludes 0, as widths and sizes do).
fn number(g: Grain, lo: f64, hi: f64) -> BoxedStrategy<f64> {
    match g {
        Grain::Grid => {
            let (a, b) = ((lo * 1000.0).ceil() as u32, (hi * 1000.0).floor() as u32);
            (a..=b).prop_map(|k| f64::from(k) / 1000.0).boxed()
        }
        Grain::Any => (lo..=hi).boxed(),
    }
}

fn unit(g: Grain) -> BoxedStrategy<f64> {
    number(g, 0.0, 1.0)
}

fn pt(g: Grain) -> impl Strategy<Value = Pt> {
    (unit(g), unit(g)).prop_map(|(x, y)| Pt { x, y })
}

/// A score stamp's leaf and delta: a non-zero multiple of the leaf's step, at most its
/// maximum either way.
fn stamp_delta() -> impl Strategy<Value = (&'static str, Points)> {
    (0..LEAVES.len())
        .prop_flat_map(|i| (Just(i), 1..=LEAVES[i].max / LEAVES[i].step, any::<bool>()))
        .prop_map(|(i, k, minus)| {
            let d = k * LEAVES[i].step;
            (LEAVES[i].id, q(if minus { -d } else { d }))
        })
}

fn shape(g: Grain) -> BoxedStrategy<Shape> {
    let stroke = prop::collection::vec(
        (unit(g), unit(g), unit(g)).prop_map(|(x, y, p)| StrokePt { x, y, p }),
        1..5,
    );
    prop_oneof![
        stroke.clone().prop_map(|points| Shape::Pen { points }),
        stroke.prop_map(|points| Shape::Highlighter { points }),
        (pt(g), pt(g), 0..4u8).prop_map(|(from, to, k)| match k {
            0 => Shape::Line { from, to },
            1 => Shape::Arrow { from, to },
            2 => Shape::Rect { from, to },
            _ => Shape::Ellipse { from, to },
        }),
        (
            pt(g),
            prop::sample::select(vec!["Bien", "Unité ?", "Revoir le cours"]),
            number(g, 0.001, 0.2)
        )
            .prop_map(|(at, text, size)| Shape::Text {
                at,
                text: text.into(),
                size
            }),
        (pt(g), 0..4u8).prop_map(|(at, k)| Shape::Stamp {
            at,
            stamp: match k {
                0 => StampKind::Tick,
                1 => StampKind::Cross,
                2 => StampKind::Question,
                _ => StampKind::Custom {
                    label: "Attention".into()
                },
            },
        }),
        (pt(g), stamp_delta()).prop_map(|(at, (node, delta))| Shape::Score {
            at,
            node: node.into(),
            delta
        }),
    ]
    .boxed()
}

fn style(g: Grain) -> impl Strategy<Value = Style> {
    (
        prop::sample::select(vec!["#d1242f", "#1a7f37", "#0969da", "#ffd400"]),
        number(g, 0.001, 0.1),
        number(g, 0.01, 1.0),
    )
        .prop_map(|(color, width, opacity)| Style {
            color: color.into(),
            width,
            opacity,
        })
}

#[derive(Debug, Clone)]
enum HistOp {
    Add {
        page: u32,
        shape: Shape,
        style: Option<Style>,
        z: Option<i64>,
    },
    Update {
        pick: Index,
        shape: Shape,
        style: Option<Style>,
        z: Option<i64>,
    },
    Delete(Index),
    SetPoints(usize, Option<i64>),
    Undo,
    Redo,
}

fn hist_op(g: Grain) -> impl Strategy<Value = HistOp> {
    let score = (0..LEAVES.len()).prop_flat_map(|i| {
        let points = (0..=LEAVES[i].max / LEAVES[i].step).prop_map(move |k| k * LEAVES[i].step);
        (Just(i), prop::option::of(points))
    });
    prop_oneof![
        4 => (1..=4u32, shape(g), prop::option::of(style(g)), prop::option::of(-3..20i64))
            .prop_map(|(page, shape, style, z)| HistOp::Add { page, shape, style, z }),
        2 => (any::<Index>(), shape(g), prop::option::of(style(g)), prop::option::of(-3..20i64))
            .prop_map(|(pick, shape, style, z)| HistOp::Update { pick, shape, style, z }),
        1 => any::<Index>().prop_map(HistOp::Delete),
        2 => score.prop_map(|(i, p)| HistOp::SetPoints(i, p)),
        3 => Just(HistOp::Undo),
        2 => Just(HistOp::Redo),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    page: u32,
    shape: Shape,
    style: Style,
    z: i64,
}

/// What a grader sees of the copy: its live annotations and its typed scores.
#[derive(Debug, Clone, PartialEq)]
struct Visible {
    annotations: BTreeMap<String, Drawn>,
    typed: BTreeMap<&'static str, Option<Points>>,
}

impl Visible {
    fn blank() -> Visible {
        Visible {
            annotations: BTreeMap::new(),
            typed: LEAVES.iter().map(|l| (l.id, None)).collect(),
        }
    }

    /// The total the barème's rules give: a typed score wins; else the leaf's start (0,
    /// or its maximum for `from_max`) plus its stamps, kept within [0, max]; else none.
    fn total(&self) -> (Points, usize) {
        let mut total = 0;
        let mut missing = 0;
        for leaf in &LEAVES {
            let stamps: Vec<i64> = self
                .annotations
                .values()
                .filter_map(|d| match &d.shape {
                    Shape::Score { node, delta, .. } if node == leaf.id => Some(delta.quarters()),
                    _ => None,
                })
                .collect();
            match (self.typed[leaf.id], stamps.is_empty()) {
                (Some(p), _) => total += p.quarters(),
                (None, false) => {
                    let start = if leaf.from_max { leaf.max } else { 0 };
                    total += (start + stamps.iter().sum::<i64>()).clamp(0, leaf.max);
                }
                (None, true) => missing += 1,
            }
        }
        (q(total), missing)
    }
}

fn visible_in_store(s: &Station, c: &str) -> Result<Visible, TestCaseError> {
    let anns = s
        .store
        .annotations(c, false)
        .map_err(|e| fail("annotations", &e))?;
    let g = s.store.grade(c).map_err(|e| fail("grade", &e))?;
    Ok(Visible {
        annotations: anns
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    Drawn {
                        page: a.page,
                        shape: a.shape,
                        style: a.style,
                        z: a.z,
                    },
                )
            })
            .collect(),
        typed: LEAVES
            .iter()
            .map(|l| {
                let n = g.node(l.id).expect("a leaf of the barème");
                let typed = (n.source == Some(PointsSource::Typed)).then_some(n.points);
                (l.id, typed.flatten())
            })
            .collect(),
    })
}

fn version_of(s: &Station, c: &str, id: &str) -> Result<i64, TestCaseError> {
    s.store
        .annotations(c, false)
        .map_err(|e| fail("annotations", &e))?
        .into_iter()
        .find(|a| a.id == id)
        .map(|a| a.version)
        .ok_or_else(|| TestCaseError::fail(format!("annotation {id} is not live in the store")))
}

fn run_history(ops: Vec<HistOp>) -> Result<(), TestCaseError> {
    let mut s = station(1);
    let c = s.copies[0].clone();
    s.store.set_clock(Some(T0));
    let t = Some(s.store.take_lease(&c, Duration::hours(8)).unwrap().token);
    let mut h = History::default();
    let mut snapshots = vec![Visible::blank()];
    let mut cursor = 0;

    for (step, op) in ops.into_iter().enumerate() {
        let at = format!("step {step} {op:?}");
        let mut state = snapshots[cursor].clone();
        let edit = match op {
            HistOp::Add {
                page,
                shape,
                style,
                z,
            } => {
                let want_style = style.clone().unwrap_or_else(|| shape.default_style());
                let new = NewAnnotation {
                    page,
                    shape: shape.clone(),
                    style,
                    z,
                };
                let edit = s
                    .store
                    .add_annotation(&c, t, new)
                    .map_err(|e| fail(&at, &e))?;
                let a = edit.annotation().expect("an annotation edit").clone();
                let z = match z {
                    Some(z) => z,
                    None => {
                        // By default a new drawing goes above everything on its page.
                        let top = state
                            .annotations
                            .values()
                            .filter(|d| d.page == page)
                            .map(|d| d.z)
                            .max();
                        prop_assert!(
                            top.is_none_or(|top| a.z > top),
                            "{}: z {} under {:?}",
                            at,
                            a.z,
                            top
                        );
                        a.z
                    }
                };
                prop_assert!(!state.annotations.contains_key(&a.id), "{}: id reused", at);
                state.annotations.insert(
                    a.id,
                    Drawn {
                        page,
                        shape,
                        style: want_style,
                        z,
                    },
                );
                Some(edit)
            }
            HistOp::Update {
                pick,
                shape,
                style,
                z,
            } => {
                if state.annotations.is_empty() {
                    None
                } else {
                    let ids: Vec<String> = state.annotations.keys().cloned().collect();
                    let id = pick.get(&ids).clone();
                    let version = version_of(&s, &c, &id)?;
                    let patch = AnnotationPatch {
                        shape: Some(shape.clone()),
                        style: style.clone(),
                        z,
                    };
                    let edit = s
                        .store
                        .update_annotation(&id, t, version, patch)
                        .map_err(|e| fail(&at, &e))?;
                    let d = state.annotations.get_mut(&id).unwrap();
                    d.shape = shape;
                    if let Some(style) = style {
                        d.style = style;
                    }
                    if let Some(z) = z {
                        d.z = z;
                    }
                    Some(edit)
                }
            }
            HistOp::Delete(pick) => {
                if state.annotations.is_empty() {
                    None
                } else {
                    let ids: Vec<String> = state.annotations.keys().cloned().collect();
                    let id = pick.get(&ids).clone();
                    let version = version_of(&s, &c, &id)?;
                    let edit = s
                        .store
                        .delete_annotation(&id, t, version)
                        .map_err(|e| fail(&at, &e))?;
                    state.annotations.remove(&id);
                    Some(edit)
                }
            }
            HistOp::SetPoints(i, quarters) => {
                let points = quarters.map(q);
                let edit = s
                    .store
                    .set_points(&c, t, LEAVES[i].id, points)
                    .map_err(|e| fail(&at, &e))?;
                state.typed.insert(LEAVES[i].id, points);
                Some(edit)
            }
            HistOp::Undo => {
                let r = s.store.undo(&mut h, t);
                let r = r.map(|e| e.is_some()).map_err(|e| (e.code, e.message));
                prop_assert_eq!(r, Ok(cursor > 0), "{}: undo at cursor {}", at, cursor);
                cursor = cursor.saturating_sub(1);
                None
            }
            HistOp::Redo => {
                let r = s.store.redo(&mut h, t);
                let r = r.map(|e| e.is_some()).map_err(|e| (e.code, e.message));
                let can = cursor + 1 < snapshots.len();
                prop_assert_eq!(
                    r,
                    Ok(can),
                    "{}: redo at cursor {} of {}",
                    at,
                    cursor,
                    snapshots.len()
                );
                if can {
                    cursor += 1;
                }
                None
            }
        };
        if let Some(edit) = edit {
            h.record(edit);
            snapshots.truncate(cursor + 1);
            snapshots.push(state);
            cursor += 1;
        }
        let seen = visible_in_store(&s, &c)?;
        prop_assert_eq!(
            &seen,
            &snapshots[cursor],
            "{}: the store shows another state",
            at
        );
        let g = s.store.grade(&c).map_err(|e| fail("grade", &e))?;
        let (total, missing) = snapshots[cursor].total();
        prop_assert_eq!(g.total, total, "{}: total", at);
        prop_assert_eq!(g.missing.len(), missing, "{}: missing leaves", at);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn undo_redo_walks_the_snapshots(ops in prop::collection::vec(hist_op(Grain::Grid), 1..40)) {
        run_history(ops)?;
    }

    // Coordinates as a pointer gives them (any double) must come back bit for bit: undo
    // compares the stored annotation with the edit's exactly.
    #[test]
    fn undo_redo_walks_the_snapshots_with_any_coordinates(
        ops in prop::collection::vec(hist_op(Grain::Any), 1..40),
    ) {
        run_history(ops)?;
    }
}

// ---------------------------------------------------------------------------------------
// 4. Score validation
// ---------------------------------------------------------------------------------------

/// A node to score: a leaf (by index in `LEAVES`) with points in quarters from 8 below
/// zero to 8 above its maximum (or none, to clear it), or a node that is not a leaf.
#[derive(Debug, Clone)]
enum ScoreTry {
    Leaf(usize, Option<i64>),
    NotALeaf(&'static str, i64),
}

fn score_try() -> impl Strategy<Value = ScoreTry> {
    prop_oneof![
        8 => (0..LEAVES.len())
            .prop_flat_map(|i| (Just(i), prop::option::weighted(0.9, -8..=LEAVES[i].max + 8)))
            .prop_map(|(i, p)| ScoreTry::Leaf(i, p)),
        1 => (prop::sample::select(vec!["ex1", "q2", "q3", ""]), 0..=8i64)
            .prop_map(|(n, p)| ScoreTry::NotALeaf(n, p)),
    ]
}

fn run_scores(tries: Vec<ScoreTry>) -> Result<(), TestCaseError> {
    let mut s = station(1);
    let c = s.copies[0].clone();
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    let mut stored: BTreeMap<&str, Option<Points>> = LEAVES.iter().map(|l| (l.id, None)).collect();
    for (step, attempt) in tries.iter().enumerate() {
        let at = format!("step {step} {attempt:?}");
        let (node, points, valid) = match attempt {
            ScoreTry::Leaf(i, p) => {
                let leaf = &LEAVES[*i];
                let valid = p.is_none_or(|p| (0..=leaf.max).contains(&p) && p % leaf.step == 0);
                (leaf.id, p.map(q), valid)
            }
            ScoreTry::NotALeaf(n, p) => (*n, Some(q(*p)), false),
        };
        let r = s.store.set_points(&c, t, node, points);
        if valid {
            r.map_err(|e| fail(&at, &e))?;
            stored.insert(node, points);
        } else {
            let code = r.map(drop).map_err(|e| e.code);
            prop_assert_eq!(code, Err(ErrorCode::Validation), "{}", at);
        }
        let g = s.store.grade(&c).map_err(|e| fail("grade", &e))?;
        for leaf in &LEAVES {
            prop_assert_eq!(
                g.node(leaf.id).unwrap().points,
                stored[leaf.id],
                "{}: {}",
                at,
                leaf.id
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn scores_are_accepted_iff_within_max_and_on_the_step(
        tries in prop::collection::vec(score_try(), 1..40),
    ) {
        run_scores(tries)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn points_parse_what_they_print(quarters in -4_000_000i64..=4_000_000) {
        let p = q(quarters);
        let text = p.to_string();
        prop_assert_eq!(Points::parse(&text, "t").ok(), Some(p), "{}", text);
        let french = text.replace('.', ",");
        prop_assert_eq!(Points::parse(&french, "t").ok(), Some(p), "{}", french);
        prop_assert_eq!(Points::from_number(p.as_f64(), "t").ok(), Some(p));
    }
}
