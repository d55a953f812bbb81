//! Identifying the copies of an import: reading every header crop (in parallel, one OCR
//! engine per worker), joining consecutive sheets of the same pupil into one copy,
//! scoring each copy against the roster and assigning students one-to-one over the
//! exam. Copies that do not pass the gates wait for review with their best candidates.

use korrigo_core::model::{Candidate, FlagKind, IdentifiedBy};
use korrigo_core::store::Student;
use korrigo_identify::header::{self, HeaderFields, Prep};
use korrigo_identify::matcher::{self, candidates};
use korrigo_identify::names::letters;
use korrigo_identify::qr;
use korrigo_ingest::raster::HEADER_DPI;
use korrigo_ingest::PlannedCopy;
use rayon::prelude::*;
use strsim::jaro_winkler;

/// A copy of the import with what is known of its writer.
#[derive(Debug)]
pub struct Identified {
    /// Position of the copy's file in the import.
    pub file: usize,
    pub copy: PlannedCopy,
    /// Header crop (JPEG) of the copy's first sheet.
    pub header_crop: Option<Vec<u8>>,
    pub student_id: Option<String>,
    pub identified_by: Option<IdentifiedBy>,
    pub confidence: Option<f64>,
    pub candidates: Vec<Candidate>,
}

/// What a header crop says: the QR label's student (if a Korrigo label of this exam is
/// stuck there) and the handwriting as read, one reading per preparation tried.
#[derive(Debug, Clone, Default)]
pub struct HeaderRead {
    pub qr_student: Option<String>,
    pub fields: Vec<HeaderFields>,
}

/// Reads the header crops (JPEG at the ingest's header resolution), in parallel: the QR
/// label first (exact), the handwriting when there is none. Stops reading (leaving
/// the rest unread) once `cancel` is set; the caller then drops the import.
pub fn read_headers(
    exam_id: &str,
    crops: &[Option<&[u8]>],
    roster: &[Student],
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Vec<HeaderRead> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = crops.iter().flatten().count();
    crops
        .par_iter()
        .map(|crop| {
            let Some(png) = *crop else {
                return HeaderRead::default();
            };
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return HeaderRead::default();
            }
            let qr_student = image::load_from_memory(png).ok().and_then(|img| {
                qr::read(&img.to_luma8())
                    .into_iter()
                    .find(|(exam, _)| exam == exam_id)
                    .map(|(_, student)| student)
            });
            let fields = if qr_student.is_some() {
                Vec::new()
            } else {
                read_handwriting(png, roster)
            };
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            HeaderRead { qr_student, fields }
        })
        .collect()
}

/// Reads a handwritten header with one preparation after the other, until the readings
/// so far pass the gates on their own or every preparation was tried: a clear
/// handwriting is read once, a hard one up to `Prep::ALL.len()` times.
fn read_handwriting(crop: &[u8], roster: &[Student]) -> Vec<HeaderFields> {
    let Ok(crop) = header::decode(crop) else {
        return Vec::new();
    };
    let mut reads = Vec::new();
    for prep in Prep::ALL {
        if let Ok(read) = header::read(&crop, HEADER_DPI as u32, prep) {
            reads.push(read);
        }
        if matcher::gate(&candidates(&reads, roster), roster).is_ok() {
            break;
        }
    }
    reads
}

/// Whether two consecutive sheets' headers name the same pupil: both pass the gates on
/// their own for the same student (apart, each would hold the other back), or, their
/// birth dates not disagreeing, the two reads spell nearly the same name or both point
/// to the same student of the roster by a close last name. Dates disagree only when
/// each sheet's is some pupil's of the class, and not the same: a date nobody has is a
/// misreading, and a header read several ways often yields one.
pub fn same_writer(a: &[HeaderFields], b: &[HeaderFields], roster: &[Student]) -> bool {
    let (Some(pa), Some(pb)) = (a.first(), b.first()) else {
        return false;
    };
    let (ca, cb) = (candidates(a, roster), candidates(b, roster));
    let gated = |cands: &[matcher::Candidate]| {
        matcher::gate(cands, roster)
            .ok()
            .and_then(|()| cands.first().map(|c| c.student_id.clone()))
    };
    if matches!((gated(&ca), gated(&cb)), (Some(x), Some(y)) if x == y) {
        return true;
    }
    let sim = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => {
            let (x, y) = (letters(x), letters(y));
            if x.is_empty() || y.is_empty() {
                0.0
            } else {
                jaro_winkler(&x, &y)
            }
        }
        _ => 0.0,
    };
    let dates = |r: &[HeaderFields]| -> Vec<String> {
        r.iter()
            .flat_map(|f| f.birth_dates.iter().cloned())
            .filter(|d| roster.iter().any(|s| s.birth_date.as_ref() == Some(d)))
            .collect()
    };
    let (da, db) = (dates(a), dates(b));
    if !da.is_empty() && !db.is_empty() && !da.iter().any(|d| db.contains(d)) {
        return false;
    }
    let legible = |r: &HeaderFields| {
        r.confidence >= MIN_CONFIDENCE
            && [&r.last_name, &r.first_name]
                .iter()
                .all(|n| n.as_deref().is_some_and(|n| letters(n).len() >= 2))
    };
    if legible(pa) && legible(pb) {
        let (last, first) = (
            sim(&pa.last_name, &pb.last_name),
            sim(&pa.first_name, &pb.first_name),
        );
        if last >= SAME_LAST && first >= SAME_FIRST && last + first >= 2.0 * SAME_MEAN {
            return true;
        }
    }
    matches!((points_to(&ca), points_to(&cb)), (Some(x), Some(y)) if x == y)
}

/// How alike two reads of one pupil's name must be (Jaro-Winkler on letters).
const SAME_LAST: f64 = 0.85;
const SAME_FIRST: f64 = 0.80;
const SAME_MEAN: f64 = 0.88;
/// How close each read must be to one roster student, and how far from the next, to
/// join two sheets on that student.
const SAME_ROSTER_LAST: f64 = 0.85;
const SAME_ROSTER_FIRST: f64 = 0.60;
const SAME_ROSTER_MARGIN: f64 = 0.10;
/// Score from which a candidate shared by two neighbouring copies holds the later one
/// back, and how far down the other's candidates to look.
const HOLD_MIN_SCORE: f64 = 0.25;
/// How closely one field of a neighbour's read must fit that student to hold it.
const HOLD_FIT: f64 = 0.80;
const HOLD_TOP: usize = 3;
/// Mean OCR confidence (0..100) under which a read joins nothing.
const MIN_CONFIDENCE: f32 = 50.0;

/// A copy as cut by the import, with the read of its first sheet's header.
#[derive(Debug)]
pub struct Found {
    pub file: usize,
    pub copy: PlannedCopy,
    pub read: HeaderRead,
    pub header_crop: Option<Vec<u8>>,
}

/// A copy after joining: its QR label's student, every sheet's handwriting read.
struct Joined {
    file: usize,
    copy: PlannedCopy,
    qr: Option<String>,
    /// Per sheet, its readings.
    reads: Vec<Vec<HeaderFields>>,
    header_crop: Option<Vec<u8>>,
}

/// The roster student a sheet's candidates clearly point to: close last name and first
/// name, and a clear lead over the next student or a name apart from every other
/// pupil's (as in the gates), for joining sheets on it.
fn points_to(cands: &[matcher::Candidate]) -> Option<String> {
    let (best, others) = cands.split_first()?;
    let lead = best.score - others.first().map_or(0.0, |c| c.score);
    let apart = others.iter().all(|c| matcher::apart(best, c));
    (best.last_name >= SAME_ROSTER_LAST
        && best.first_name >= SAME_ROSTER_FIRST
        && (lead >= SAME_ROSTER_MARGIN || apart))
        .then(|| best.student_id.clone())
}

/// Whether the sheet `found` continues the copy `last`.
fn continues(last: &Joined, found: &Found, qr: &Option<String>, roster: &[Student]) -> bool {
    if last.file != found.file || found.copy.header_scans.is_empty() {
        return false;
    }
    let read = &found.read.fields;
    match (&last.qr, qr) {
        (Some(a), Some(b)) => a == b,
        (_, Some(_)) => false,
        _ if read.is_empty() => false,
        (Some(a), None) => points_to(&candidates(read, roster)).as_ref() == Some(a),
        (None, None) => last
            .reads
            .last()
            .is_some_and(|prev| same_writer(prev, read, roster)),
    }
}

/// Joins, scores and assigns. Set-aside copies (duplicates) have no header read and are
/// left alone. A QR label of this exam identifies exactly; its student leaves every
/// other copy's candidates.
pub fn identify(copies: Vec<Found>, roster: &[Student]) -> Vec<Identified> {
    let on_roster = |id: &String| roster.iter().any(|s| &s.id == id);
    let mut joined: Vec<Joined> = Vec::new();
    for found in copies {
        let qr = found.read.qr_student.clone().filter(on_roster);
        if let Some(last) = joined.last_mut() {
            if continues(last, &found, &qr, roster) {
                last.copy.append(found.copy);
                if !found.read.fields.is_empty() {
                    last.reads.push(found.read.fields);
                }
                continue;
            }
        }
        joined.push(Joined {
            file: found.file,
            copy: found.copy,
            qr,
            reads: Some(found.read.fields)
                .filter(|f| !f.is_empty())
                .into_iter()
                .collect(),
            header_crop: found.header_crop,
        });
    }
    let labelled: std::collections::HashSet<&String> =
        joined.iter().filter_map(|j| j.qr.as_ref()).collect();
    let others: Vec<Student> = roster
        .iter()
        .filter(|s| !labelled.contains(&s.id))
        .cloned()
        .collect();
    let scored: Vec<Vec<matcher::Candidate>> = joined
        .iter()
        .map(|j| {
            if j.qr.is_some() {
                Vec::new()
            } else {
                best_of(&j.reads, &others)
            }
        })
        .collect();
    let mut assigned = korrigo_identify::assign::assign(&scored, &others);
    // Two neighbouring copies that look like the same student's may be one pupil's two
    // sheets that the reads could not tie: the later one waits for review (a copy's
    // later sheet must never be graded as a whole copy); the earlier keeps what the
    // gates gave it, since the one-to-one assignment already keeps its student from
    // the later one.
    let short = short_copies(&joined);
    for i in 1..joined.len() {
        let same_file = joined[i - 1].file == joined[i].file
            && joined[i].qr.is_none()
            && joined[i - 1].qr.is_none();
        if same_file
            && (shares_student(&scored, &assigned, i - 1, i)
                || shares_student(&scored, &assigned, i, i - 1))
        {
            assigned[i] = None;
            joined[i].copy.flag(
                FlagKind::SameStudentAsPrevious,
                None,
                "this copy and the one before it both look like the same student's: one copy of two sheets?".into(),
            );
        } else if same_file && short[i - 1] && short[i] {
            assigned[i] = None;
            joined[i].copy.flag(
                FlagKind::SameStudentAsPrevious,
                None,
                "this copy and the one before it have fewer sheets than most copies of the file: one copy whose sheets were not tied?".into(),
            );
        }
    }
    joined
        .into_iter()
        .zip(scored)
        .zip(assigned)
        .map(|((j, cands), by_ocr)| {
            let (student_id, identified_by, confidence) = match (&j.qr, by_ocr) {
                (Some(s), _) => (Some(s.clone()), Some(IdentifiedBy::Qr), Some(1.0)),
                (None, Some(s)) => {
                    let score = cands.iter().find(|c| c.student_id == s).map(|c| c.score);
                    (Some(s), Some(IdentifiedBy::Ocr), score)
                }
                (None, None) => (None, None, None),
            };
            Identified {
                file: j.file,
                copy: j.copy,
                header_crop: j.header_crop,
                student_id,
                identified_by,
                confidence,
                candidates: cands
                    .iter()
                    .take(5)
                    .filter_map(|c| view(c, roster))
                    .collect(),
            }
        })
        .collect()
}

/// Per copy, whether it has fewer sheets than the copies holding most sheets of its
/// file, when those have several: two such neighbours are likely one copy whose
/// headers could not be tied. (Counted by sheets, not copies: each such split makes two
/// short copies.)
fn short_copies(joined: &[Joined]) -> Vec<bool> {
    let sheets = |j: &Joined| j.copy.header_scans.len();
    let mut counts = std::collections::BTreeMap::<(usize, usize), usize>::new();
    for j in joined {
        *counts.entry((j.file, sheets(j))).or_default() += 1;
    }
    let mut usual = std::collections::BTreeMap::<usize, (usize, usize)>::new();
    for (&(file, n), &count) in &counts {
        let best = usual.entry(file).or_insert((0, 1));
        if (count * n, n) > (best.0, best.1) {
            *best = (count * n, n);
        }
    }
    joined
        .iter()
        .map(|j| {
            let n = usual.get(&j.file).map_or(1, |u| u.1);
            n >= 2 && sheets(j) < n
        })
        .collect()
}

/// Whether copy `a`'s student (assigned, or its best candidate) is also among copy
/// `b`'s first candidates, with a field that fits (last or first name, or the birth
/// date), while `b` has no other student assigned: the two may be one pupil's sheets.
/// Not when `b` clearly bears another first name (a sibling's copy, not a second sheet).
fn shares_student(
    scored: &[Vec<matcher::Candidate>],
    assigned: &[Option<String>],
    a: usize,
    b: usize,
) -> bool {
    let student = assigned[a].clone().or_else(|| {
        scored[a]
            .first()
            .filter(|c| c.score >= HOLD_MIN_SCORE)
            .map(|c| c.student_id.clone())
    });
    let Some(student) = student else { return false };
    if assigned[b].as_ref().is_some_and(|s| s != &student) {
        return false;
    }
    let first_name_legible = scored[b]
        .iter()
        .any(|c| c.first_name >= matcher::NAME_ONLY_FIRST);
    scored[b].iter().take(HOLD_TOP).any(|c| {
        c.student_id == student
            && c.score >= HOLD_MIN_SCORE
            && (c.last_name >= HOLD_FIT || c.first_name >= HOLD_FIT || c.birth_date)
            && !(first_name_legible && c.first_name < SAME_ROSTER_FIRST)
    })
}

/// Candidates of a copy read on several sheets: each student's best score.
fn best_of(reads: &[Vec<HeaderFields>], roster: &[Student]) -> Vec<matcher::Candidate> {
    let mut best: Vec<matcher::Candidate> = Vec::new();
    for read in reads {
        for c in candidates(read, roster) {
            match best.iter_mut().find(|b| b.student_id == c.student_id) {
                Some(b) if b.score >= c.score => {}
                Some(b) => *b = c,
                None => best.push(c),
            }
        }
    }
    best.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.student_id.cmp(&b.student_id))
    });
    best
}

fn view(c: &matcher::Candidate, roster: &[Student]) -> Option<Candidate> {
    let s = roster.iter().find(|s| s.id == c.student_id)?;
    Some(Candidate {
        student_id: s.id.clone(),
        email: s.email.clone(),
        last_name: s.last_name.clone(),
        first_name: s.first_name.clone(),
        score: round3(c.score),
        last_name_score: round3(c.last_name),
        first_name_score: round3(c.first_name),
        birth_date_match: c.birth_date,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(id: &str, last: &str, first: &str, born: &str) -> Student {
        Student {
            id: id.into(),
            last_name: last.into(),
            first_name: first.into(),
            birth_date: Some(born.into()),
            email: None,
            class: None,
            group: None,
        }
    }

    fn roster() -> Vec<Student> {
        vec![
            student("yasmine", "BEN SALAH", "Yasmine", "2009-03-02"),
            student("aziz", "BEN SALAH", "Aziz", "2008-11-30"),
            student("ines", "BEN JEMAA", "Inès", "2009-07-14"),
            student("lucas", "GIRARD", "Lucas", "2008-05-21"),
        ]
    }

    fn sheet(last: &str, first: &str, born: Option<&str>, confidence: f32) -> Found {
        Found {
            file: 0,
            copy: PlannedCopy {
                pages: Vec::new(),
                flags: Vec::new(),
                header_scans: vec![0],
            },
            read: HeaderRead {
                qr_student: None,
                fields: vec![HeaderFields {
                    last_name: Some(last.into()),
                    first_name: Some(first.into()),
                    birth_dates: born.map(String::from).into_iter().collect(),
                    confidence,
                    ..Default::default()
                }],
            },
            header_crop: None,
        }
    }

    fn flagged(copy: &Identified) -> bool {
        copy.copy
            .flags
            .iter()
            .any(|f| f.kind == FlagKind::SameStudentAsPrevious)
    }

    #[test]
    fn a_clear_copy_keeps_its_student_when_the_next_one_might_be_its_second_sheet() {
        let out = identify(
            vec![
                sheet("BEN SALAH", "Yasmine", Some("2009-03-02"), 90.0),
                sheet("BEN SAL", "Ynes", None, 30.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].student_id.as_deref(), Some("yasmine"));
        assert!(!flagged(&out[0]));
        assert_eq!(out[1].student_id, None);
        assert!(flagged(&out[1]));
    }

    #[test]
    fn a_later_sheet_read_clearly_waits_when_the_one_before_may_be_its_first() {
        let out = identify(
            vec![
                sheet("BEN SAL", "Ynes", None, 30.0),
                sheet("BEN SALAH", "Yasmine", Some("2009-03-02"), 90.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].student_id, None);
        assert!(flagged(&out[1]));
    }

    #[test]
    fn sheets_pointing_to_one_student_join_even_when_read_with_low_confidence() {
        let out = identify(
            vec![
                sheet("GIRARD", "Lucas", None, 30.0),
                sheet("GIRAD", "Lucas", Some("2008-05-21"), 30.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].student_id.as_deref(), Some("lucas"));
    }

    #[test]
    fn a_siblings_copy_before_does_not_hold_a_clear_one() {
        let mut r = roster();
        r.push(student("louis", "ABID", "Louis", "2008-01-09"));
        r.push(student("hedi", "GIRARD", "Hédi", "2009-10-02"));
        // A pupil missing from the roster, GIRARD Louis, then GIRARD Hédi's copy.
        let out = identify(
            vec![
                sheet("GIRARD", "Louis", None, 90.0),
                sheet("GIRARD", "Hédi", Some("2009-10-02"), 90.0),
            ],
            &r,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].student_id, None);
        assert_eq!(out[1].student_id.as_deref(), Some("hedi"));
        assert!(!flagged(&out[1]));
    }

    #[test]
    fn two_short_neighbours_in_a_file_of_two_sheet_copies_hold_the_later() {
        let out = identify(
            vec![
                sheet("GIRARD", "Lucas", Some("2008-05-21"), 90.0),
                sheet("GIRARD", "Lucas", None, 90.0),
                sheet("BEN JEMAA", "Inès", Some("2009-07-14"), 90.0),
                sheet("BEN JEMAA", "Inès", None, 90.0),
                sheet("ROUX", "Youcef", None, 90.0),
                sheet("BEN SALAH", "Aziz", Some("2008-11-30"), 90.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].student_id.as_deref(), Some("lucas"));
        assert_eq!(out[1].student_id.as_deref(), Some("ines"));
        assert_eq!(out[2].student_id, None);
        assert_eq!(out[3].student_id, None);
        assert!(flagged(&out[3]));
    }

    #[test]
    fn sheets_join_when_both_pass_the_gates_for_one_student() {
        let out = identify(
            vec![
                sheet("GIRARD", "Lucas", Some("2008-05-21"), 90.0),
                sheet("GIKAKD", "Lucas", Some("2008-05-21"), 90.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].student_id.as_deref(), Some("lucas"));
    }

    #[test]
    fn a_misread_date_nobody_has_does_not_keep_sheets_apart() {
        let out = identify(
            vec![
                sheet("GIRARD", "Lucas", Some("2008-05-21"), 90.0),
                sheet("GIRARD", "Lucas", Some("2008-06-21"), 90.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 1);
        // A date that is another pupil's does.
        let out = identify(
            vec![
                sheet("GIRARD", "Lucas", Some("2008-05-21"), 90.0),
                sheet("GIRARD", "Lucas", Some("2009-07-14"), 90.0),
            ],
            &roster(),
        );
        assert_eq!(out.len(), 2);
    }
}
