//! Convergence under random interleavings: two or three teacher stations take and give
//! back leases on two copies, score under them, sync, and drop off the network and come
//! back, in any order. After every station has synced twice, they all hold the server's
//! scores, no change is pending, every change was judged once, no applied change was
//! lost (the server holds it or a later applied version of it), and every conflict is
//! seen by the station that pushed it and by all the others.
//!
//! One server and database for the whole run; each case grades a fresh exam on fresh
//! stations.

mod common;

use common::*;
use korrigo_core::sync::{EntityKind, Outcome, OutcomeStatus, ServerRole};
use korrigo_core::ErrorCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

const NODES: [(&str, u8); 2] = [("q1", 8), ("q2", 12)];

#[derive(Debug, Clone)]
enum Op {
    /// Station `st` scores `node` of copy `copy` with `halves / 2` points, under the
    /// lease it holds (nothing happens if it holds none or lost it).
    Score {
        st: usize,
        copy: usize,
        node: usize,
        halves: u8,
    },
    /// Takes the copy, with a lease that has already run out when `lapsed`.
    Take {
        st: usize,
        copy: usize,
        lapsed: bool,
    },
    Release {
        st: usize,
        copy: usize,
    },
    Sync {
        st: usize,
    },
    Offline {
        st: usize,
    },
    Online {
        st: usize,
    },
}

fn op(stations: usize) -> impl Strategy<Value = Op> {
    let st = 0..stations;
    let copy = 0..2usize;
    prop_oneof![
        6 => (st.clone(), copy.clone(), 0..2usize, 0..=8u8)
            .prop_map(|(st, copy, node, halves)| Op::Score { st, copy, node, halves }),
        3 => (st.clone(), copy.clone(), prop::bool::weighted(0.3))
            .prop_map(|(st, copy, lapsed)| Op::Take { st, copy, lapsed }),
        2 => (st.clone(), copy).prop_map(|(st, copy)| Op::Release { st, copy }),
        3 => st.clone().prop_map(|st| Op::Sync { st }),
        1 => st.clone().prop_map(|st| Op::Offline { st }),
        1 => st.prop_map(|st| Op::Online { st }),
    ]
}

fn case() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (2..=3usize).prop_flat_map(|n| (Just(n), prop::collection::vec(op(n), 1..40)))
}

struct World {
    server: Server,
    admin: RefCell<Station>,
    cases: Cell<u64>,
}

fn run_case(world: &World, stations: usize, ops: &[Op]) {
    let server = &world.server;
    let n = world.cases.get() + 1;
    world.cases.set(n);
    let class = {
        let mut admin = world.admin.borrow_mut();
        let class = class(&mut admin, &format!("Case {n}"), 1, 2);
        admin.sync();
        class
    };
    let mut st: Vec<Station> = (0..stations)
        .map(|i| {
            let mut s = Station::new(server, &format!("t{}", i + 1));
            s.sync();
            s
        })
        .collect();
    let mut tokens: HashMap<(usize, usize), Option<i64>> = HashMap::new();
    for op in ops {
        match *op {
            Op::Score {
                st: i,
                copy,
                node,
                halves,
            } => {
                let Some(&token) = tokens.get(&(i, copy)) else {
                    continue;
                };
                let points = f64::from(halves.min(NODES[node].1)) / 2.0;
                if let Err(e) = st[i].store.set_points(
                    &class.copies[copy],
                    token,
                    NODES[node].0,
                    Some(pts(points)),
                ) {
                    assert!(
                        matches!(e.code, ErrorCode::LeaseLost | ErrorCode::Conflict),
                        "{op:?}: {e:?}"
                    );
                }
            }
            Op::Take {
                st: i,
                copy,
                lapsed,
            } => {
                let s = &mut st[i];
                if lapsed {
                    s.store.set_clock(Some(
                        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
                    ));
                }
                let taken = s
                    .store
                    .take_lease(&class.copies[copy], time::Duration::minutes(20));
                s.store.set_clock(None);
                match taken {
                    Ok(l) => {
                        tokens.insert((i, copy), Some(l.token));
                    }
                    Err(e) => assert_eq!(e.code, ErrorCode::Conflict, "{op:?}: {e:?}"),
                }
            }
            Op::Release { st: i, copy } => {
                if let Some(token) = tokens.remove(&(i, copy)) {
                    if let Err(e) = st[i].store.release_lease(&class.copies[copy], token) {
                        assert!(
                            matches!(e.code, ErrorCode::LeaseLost | ErrorCode::Conflict),
                            "{op:?}: {e:?}"
                        );
                    }
                }
            }
            Op::Sync { st: i } => {
                let s = &mut st[i];
                if s.is_online() {
                    s.try_sync().unwrap_or_else(|e| {
                        panic!("{op:?}: the sync failed: {:?} {}", e.code, e.message)
                    });
                } else {
                    s.sync_offline();
                }
            }
            Op::Offline { st: i } => st[i].offline(),
            Op::Online { st: i } => st[i].online(),
        }
    }

    // Everyone back online, syncing twice in turn.
    for _ in 0..2 {
        for s in st.iter_mut() {
            s.online();
            s.sync();
        }
    }
    check(server, &class, &st);
}

fn check(server: &Server, class: &Class, st: &[Station]) {
    let scores = server.scores(&class.exam);
    for s in st {
        assert_eq!(s.pending(), 0, "{}", s.login);
        assert_eq!(
            s.scores(&class.copies),
            points_of(&scores),
            "{} holds other scores than the server",
            s.login
        );
        check_judged_once(server, s);
    }
    let refs: Vec<&Station> = st.iter().collect();
    check_conflicts_seen(server, &refs);

    // No applied change is lost: the server holds its value, or a later version written
    // by another applied change.
    let mut applied: BTreeMap<String, Vec<(i64, Option<f64>)>> = BTreeMap::new();
    for s in st {
        let station = s.id();
        let outcomes: Vec<Outcome> = server.sql(async move |c| {
            c.query(
                "SELECT outcome FROM mutation_log WHERE station_id = $1 AND status = 'applied' \
                 AND name = 'score.set'",
                &[&station],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_value(r.get(0)).unwrap())
            .collect()
        });
        for o in outcomes {
            assert_eq!(o.status, OutcomeStatus::Applied);
            let e = o
                .entities
                .iter()
                .find(|e| e.kind == EntityKind::Score)
                .expect("an applied score change wrote its score");
            applied
                .entry(e.key.clone())
                .or_default()
                .push((e.version, e.body["points"].as_f64()));
        }
    }
    for (key, writes) in &applied {
        let (copy, node) = key.split_once('/').unwrap();
        let (points, version, _) = scores
            .get(&(copy.to_string(), node.to_string()))
            .unwrap_or_else(|| panic!("score {key} was applied and is gone"));
        for (v, p) in writes {
            assert!(version >= v, "{key}: version {v} applied, {version} kept");
            if version == v {
                assert_eq!(points, p, "{key}");
            }
        }
        assert!(
            writes.iter().any(|w| w == &(*version, *points)),
            "{key}: the server's version {version} was written by no applied change"
        );
    }
    assert_eq!(
        applied.len(),
        scores.len(),
        "every score on the server came from an applied change"
    );

    // The copies' leases and statuses agree too.
    for copy in &class.copies {
        let c = copy.clone();
        let server_lease: Option<(String, String)> = server.sql(async move |db| {
            db.query_opt(
                "SELECT body->>'holder_station', body->>'state' FROM entity WHERE kind = 'lease' AND key = $1",
                &[&c],
            )
            .await
            .unwrap()
            .map(|r| (r.get(0), r.get(1)))
        });
        let c = copy.clone();
        let server_status: String = server.sql(async move |db| {
            db.query_one(
                "SELECT body->>'status' FROM entity WHERE kind = 'copy' AND key = $1",
                &[&c],
            )
            .await
            .unwrap()
            .get(0)
        });
        for s in st {
            let local = s
                .store
                .lease(copy)
                .unwrap()
                .map(|l| (l.holder.station, l.state.as_str().to_string()));
            assert_eq!(local, server_lease, "{}: lease of {copy}", s.login);
            assert_eq!(
                s.store.copy(copy).unwrap().status.as_str(),
                server_status,
                "{}: status of {copy}",
                s.login
            );
        }
    }
}

#[test]
fn stations_converge_on_the_servers_scores_whatever_the_interleaving() {
    let server = Server::start();
    server.add_account("root", ServerRole::Admin);
    for i in 1..=3 {
        server.add_account(&format!("t{i}"), ServerRole::Teacher);
    }
    let admin = Station::new(&server, "root");
    let world = World {
        server,
        admin: RefCell::new(admin),
        cases: Cell::new(0),
    };
    let mut runner = TestRunner::new(Config {
        cases: 16,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |(stations, ops)| {
        run_case(&world, stations, &ops);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
