//! Cutting a file's scans into copies: pairing A3 rectos with their versos, ordering the
//! halves into pages P1..Pn, turning upside-down sheets, starting a copy at every sheet
//! whose first page carries the name header, and flagging whatever does not fit.
//!
//! A3 sheet k of a copy is recto `[P4k+4 | P4k+1]` then verso `[P4k+2 | P4k+3]`; fed
//! upside down, the recto shows `[P4k+1 | P4k+4]` and the verso `[P4k+3 | P4k+2]`, each
//! turned by 180°.

use crate::scan::{Format, HeaderAt, ScanInfo, BLANK_INK};
use korrigo_core::model::{Flag, FlagKind, Half};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPage {
    pub number: u32,
    /// Position of the scan in the slice given to `segment`.
    pub scan: usize,
    pub half: Half,
    pub rotation: u16,
    pub blank: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCopy {
    pub pages: Vec<PlannedPage>,
    pub flags: Vec<Flag>,
    /// Scans (positions) whose header opened a sheet of this copy.
    pub header_scans: Vec<usize>,
}

impl PlannedCopy {
    fn new() -> Self {
        PlannedCopy {
            pages: Vec::new(),
            flags: Vec::new(),
            header_scans: Vec::new(),
        }
    }
    /// The number of the first page a scan of `format` adds: A3 scans come by sheets of
    /// four pages, A4 scans one page at a time.
    fn next_number(&self, format: Format) -> u32 {
        let last = self.pages.iter().map(|p| p.number).max();
        match format {
            Format::A3 => last.map_or(1, |n| n.div_ceil(4) * 4 + 1),
            Format::A4 => last.map_or(1, |n| n + 1),
        }
    }
    fn turned(&self) -> bool {
        self.pages.last().is_some_and(|p| p.rotation == 180)
    }
    /// Appends the sheets of `next` (a following copy found to be the same pupil's),
    /// numbering its pages after this copy's last sheet.
    pub fn append(&mut self, next: PlannedCopy) {
        let offset = self
            .pages
            .iter()
            .map(|p| p.number)
            .max()
            .map_or(0, |n| n.div_ceil(4) * 4);
        let shift = |n: u32| n + offset;
        self.pages
            .extend(next.pages.into_iter().map(|p| PlannedPage {
                number: shift(p.number),
                ..p
            }));
        self.flags.retain(|f| f.kind != FlagKind::PageCount);
        self.flags.extend(
            next.flags
                .into_iter()
                .filter(|f| f.kind != FlagKind::PageCount)
                .map(|f| Flag {
                    page: f.page.map(shift),
                    ..f
                }),
        );
        self.header_scans.extend(next.header_scans);
        self.check_page_count();
    }

    /// Flags a page count that is not a multiple of 4 (a copie double has 4 pages).
    fn check_page_count(&mut self) {
        let n = self.pages.len();
        if !n.is_multiple_of(4) {
            self.flag(
                FlagKind::PageCount,
                None,
                format!("the copy has {n} pages, not a multiple of 4"),
            );
        }
    }

    pub fn flag(&mut self, kind: FlagKind, page: Option<u32>, message: String) {
        self.flags.push(Flag {
            kind,
            page,
            message,
            resolved: None,
        });
    }
}

/// Splits one file's scans (in PDF order) into copies. `duplicate_of[i]` describes the
/// earlier scan that scan `i` repeats, if any: such scans are set aside in copies of
/// their own, flagged, so that a sheet fed twice neither doubles a copy nor opens a
/// false one. `file` names the file in messages.
pub fn plan(scans: &[ScanInfo], duplicate_of: &[Option<String>], file: &str) -> Vec<PlannedCopy> {
    let is_duplicate = |i: usize| duplicate_of.get(i).is_some_and(Option::is_some);
    let mut kept = Vec::new();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in 0..scans.len() {
        match (is_duplicate(i), runs.last_mut()) {
            (false, _) => kept.push(i),
            (true, Some(run)) if i > 0 && is_duplicate(i - 1) => run.push(i),
            (true, _) => runs.push(vec![i]),
        }
    }
    let mut copies: Vec<(usize, PlannedCopy)> = segment_subset(scans, &kept, file)
        .into_iter()
        .map(|c| (first_scan(&c), c))
        .collect();
    for run in runs {
        for mut copy in segment_subset(scans, &run, file) {
            copy.flags.retain(|f| f.kind != FlagKind::HeaderNotFound);
            for &i in &run {
                let numbers: Vec<String> = copy
                    .pages
                    .iter()
                    .filter(|p| p.scan == i)
                    .map(|p| p.number.to_string())
                    .collect();
                if numbers.is_empty() {
                    continue;
                }
                let what = duplicate_of[i].as_deref().unwrap_or("an earlier scan");
                copy.flag(
                    FlagKind::DuplicateScan,
                    None,
                    format!(
                        "page {} of {file} is the same sheet side as {what}: scanned twice, set aside here (pages {})",
                        scans[i].index + 1,
                        numbers.join(", ")
                    ),
                );
            }
            copy.header_scans.clear();
            copies.push((first_scan(&copy), copy));
        }
    }
    copies.sort_by_key(|(first, _)| *first);
    copies.into_iter().map(|(_, c)| c).collect()
}

fn first_scan(copy: &PlannedCopy) -> usize {
    copy.pages
        .iter()
        .map(|p| p.scan)
        .min()
        .unwrap_or(usize::MAX)
}

/// `segment` over some of the scans; positions in the result refer to `scans`.
fn segment_subset(scans: &[ScanInfo], subset: &[usize], file: &str) -> Vec<PlannedCopy> {
    let picked: Vec<ScanInfo> = subset.iter().map(|&i| scans[i].clone()).collect();
    let mut copies = segment(&picked, file);
    for copy in &mut copies {
        for p in &mut copy.pages {
            p.scan = subset[p.scan];
        }
        for s in &mut copy.header_scans {
            *s = subset[*s];
        }
    }
    copies
}

/// Splits scans (in PDF order) into copies. `file` names the file in messages.
pub fn segment(scans: &[ScanInfo], file: &str) -> Vec<PlannedCopy> {
    let mut copies: Vec<PlannedCopy> = Vec::new();
    let mut i = 0;
    while i < scans.len() {
        let scan = &scans[i];
        let label = |k: usize| format!("page {} of {file}", scans[k].index + 1);
        let has_header = scan.header.is_some();
        if has_header || copies.is_empty() {
            copies.push(PlannedCopy::new());
        }
        let copy = copies.last_mut().expect("a copy is open");
        let turned = match scan.header {
            Some(HeaderAt::Turned) => true,
            Some(HeaderAt::Upright) => false,
            _ => copy.turned(),
        };
        let base = copy.next_number(scan.format);
        match scan.header {
            Some(HeaderAt::Ambiguous) => copy.flag(
                FlagKind::HeaderNotFound,
                Some(base),
                format!(
                    "{}: cannot tell which way up the sheet is; shown as scanned",
                    label(i)
                ),
            ),
            None if copy.pages.is_empty() => copy.flag(
                FlagKind::HeaderNotFound,
                Some(base),
                format!("{}: no name header where a copy starts", label(i)),
            ),
            // A4 scans carry a header only on a sheet's first page (4k+1).
            None if scan.format == Format::A4 && base % 4 != 1 => {}
            None => copy.flag(
                FlagKind::HeaderNotFound,
                Some(base),
                format!(
                    "{}: a sheet without a name header, joined to the copy before it",
                    label(i)
                ),
            ),
            Some(_) => {}
        }
        if has_header {
            copy.header_scans.push(i);
        }
        match scan.format {
            Format::A4 => {
                copy.pages.push(page(scans, i, base, Half::Full, turned, 0));
                i += 1;
            }
            Format::A3 => {
                let verso = scans
                    .get(i + 1)
                    .filter(|v| v.format == Format::A3 && v.header.is_none());
                let (p4, p1) = if turned {
                    (Half::Right, Half::Left)
                } else {
                    (Half::Left, Half::Right)
                };
                copy.pages
                    .push(page(scans, i, base, p1, turned, half_index(p1)));
                if verso.is_some() {
                    copy.pages
                        .push(page(scans, i + 1, base + 1, p4, turned, half_index(p4)));
                    copy.pages
                        .push(page(scans, i + 1, base + 2, p1, turned, half_index(p1)));
                } else {
                    copy.flag(
                        FlagKind::MissingVerso,
                        Some(base + 1),
                        format!(
                            "{}: the verso of this sheet (pages {} and {}) was not scanned",
                            label(i),
                            base + 1,
                            base + 2
                        ),
                    );
                }
                copy.pages
                    .push(page(scans, i, base + 3, p4, turned, half_index(p4)));
                if turned {
                    copy.flag(
                        FlagKind::UpsideDown,
                        Some(base),
                        format!("{}: the sheet was fed upside down", label(i)),
                    );
                }
                i += if verso.is_some() { 2 } else { 1 };
            }
        }
        if turned && scan.format == Format::A4 {
            copy.flag(
                FlagKind::UpsideDown,
                Some(base),
                format!("{}: the page was fed upside down", label(i - 1)),
            );
        }
    }
    for copy in &mut copies {
        copy.pages.sort_by_key(|p| p.number);
        finish(copy);
    }
    copies
}

fn half_index(half: Half) -> usize {
    usize::from(half == Half::Right)
}

fn page(
    scans: &[ScanInfo],
    scan: usize,
    number: u32,
    half: Half,
    turned: bool,
    ink_at: usize,
) -> PlannedPage {
    PlannedPage {
        number,
        scan,
        half,
        rotation: if turned { 180 } else { 0 },
        blank: scans[scan].ink[ink_at] < BLANK_INK,
    }
}

fn finish(copy: &mut PlannedCopy) {
    let blank: Vec<u32> = copy
        .pages
        .iter()
        .filter(|p| p.blank)
        .map(|p| p.number)
        .collect();
    for n in blank {
        copy.flag(FlagKind::BlankPage, Some(n), format!("page {n} is blank"));
    }
    copy.check_page_count();
}
