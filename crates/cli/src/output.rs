//! How results and errors are printed: JSON for machines, short lines for people, a
//! progress bar on stderr for long work.

use indicatif::{ProgressBar, ProgressStyle};
use korrigo_core::Error;
use serde::Serialize;
use std::sync::Mutex;

pub fn json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("results serialise to JSON")
    );
}

pub fn error(e: &Error, as_json: bool) {
    if as_json {
        eprintln!(
            "{}",
            serde_json::to_string(e).expect("errors serialise to JSON")
        );
    } else {
        eprintln!("korrigo: {} ({})", e.message, e.code.as_str());
    }
}

/// A progress bar on stderr (drawn only when stderr is a terminal), one per label.
#[derive(Debug)]
pub struct Bar {
    bar: Mutex<Option<(String, ProgressBar)>>,
    unit: &'static str,
}

impl Bar {
    /// A bar counting scans.
    pub fn new() -> Self {
        Bar::counting("scans")
    }

    /// A bar counting `unit`s.
    pub fn counting(unit: &'static str) -> Self {
        Bar {
            bar: Mutex::new(None),
            unit,
        }
    }

    pub fn update(&self, label: &str, done: usize, total: usize) {
        let mut slot = self.bar.lock().expect("progress bar");
        if slot.as_ref().is_none_or(|(l, _)| l != label) {
            if let Some((_, old)) = slot.take() {
                old.finish();
            }
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{msg:>20}} [{{bar:40}}] {{pos}}/{{len}} {} ({{per_sec}}, {{eta}})",
                    self.unit
                ))
                .expect("progress template")
                .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            *slot = Some((label.to_string(), bar));
        }
        if let Some((_, bar)) = slot.as_ref() {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }

    pub fn finish(&self) {
        if let Some((_, bar)) = self.bar.lock().expect("progress bar").take() {
            bar.finish();
        }
    }
}
