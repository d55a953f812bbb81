//! The grading subcommands: users, barème, leases, scores, annotations, comments,
//! finalize/reopen, dispatch, statistics and scripted grading.

use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to this station or change their role (admins only).
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "teacher", "operator"])]
        role: String,
    },
    /// List the station's users and their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum BaremeCommand {
    /// Set the exam's barème from a JSON file (format in docs/BAREME.md).
    Set {
        #[arg(long)]
        exam: String,
        file: PathBuf,
        /// Allow removing questions that already carry scores (kept aside, not counted).
        #[arg(long)]
        force: bool,
    },
    /// Show the barème with its ids, its total and the scores it leaves above a maximum.
    Show {
        #[arg(long)]
        exam: String,
    },
}

#[derive(Debug, Args)]
pub struct Held {
    #[arg(long)]
    pub copy: String,
    /// The lease token given by `korrigo lease take`.
    #[arg(long)]
    pub token: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum LeaseCommand {
    /// Take (or renew, if you hold it) the lease on a copy before grading it.
    Take {
        #[arg(long)]
        copy: String,
        #[arg(long, default_value_t = 60)]
        ttl_minutes: i64,
    },
    /// Extend your lease.
    Renew {
        #[command(flatten)]
        held: Held,
        #[arg(long, default_value_t = 60)]
        ttl_minutes: i64,
    },
    /// Give the copy back.
    Release {
        #[command(flatten)]
        held: Held,
    },
    /// Take a copy back from whoever holds it (admins only; audited).
    ForceRelease {
        #[arg(long)]
        copy: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Who holds a copy, under which token, until when.
    Show {
        #[arg(long)]
        copy: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScoreCommand {
    /// Set a question's points and/or remark.
    #[command(group(ArgGroup::new("what").required(true).multiple(true)
        .args(["points", "clear", "remark", "clear_remark"])))]
    Set {
        #[command(flatten)]
        held: Held,
        /// The barème node id (see `korrigo bareme show`).
        #[arg(long)]
        node: String,
        /// Points, e.g. 2.5 or 2,5.
        #[arg(long, conflicts_with = "clear")]
        points: Option<String>,
        /// Remove the points.
        #[arg(long)]
        clear: bool,
        #[arg(long, conflicts_with = "clear_remark")]
        remark: Option<String>,
        #[arg(long)]
        clear_remark: bool,
    },
    /// The copy's grade: points per question, total, total on 20, what is missing.
    Show {
        #[arg(long)]
        copy: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppreciationCommand {
    /// Set (or clear, with an empty text) the copy's overall appreciation.
    Set {
        #[command(flatten)]
        held: Held,
        text: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnnotateCommand {
    /// Draw an annotation: its shape as JSON (format in docs/ANNOTATIONS.md).
    Add {
        #[command(flatten)]
        held: Held,
        #[arg(long)]
        page: u32,
        #[arg(long)]
        shape: String,
        #[arg(long)]
        style: Option<String>,
        #[arg(long)]
        z: Option<i64>,
    },
    /// Change an annotation, naming the version you saw.
    Update {
        #[command(flatten)]
        held: Held,
        #[arg(long)]
        id: String,
        #[arg(long)]
        version: i64,
        #[arg(long)]
        shape: Option<String>,
        #[arg(long)]
        style: Option<String>,
        #[arg(long)]
        z: Option<i64>,
    },
    /// Delete an annotation (kept as a tombstone), naming the version you saw.
    Delete {
        #[command(flatten)]
        held: Held,
        #[arg(long)]
        id: String,
        #[arg(long)]
        version: i64,
    },
    /// The copy's annotations in drawing order.
    List {
        #[arg(long)]
        copy: String,
        /// Include deleted ones.
        #[arg(long)]
        deleted: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CommentsCommand {
    /// Add a snippet to the exam's shared bank, or to your own with --personal.
    Add {
        #[arg(long)]
        exam: String,
        #[arg(long)]
        personal: bool,
        #[arg(long)]
        text: String,
        /// The question its points go to.
        #[arg(long)]
        node: Option<String>,
        /// Points it carries, e.g. -0.5.
        #[arg(long, allow_hyphen_values = true)]
        points: Option<String>,
    },
    /// Your snippets and the exam's, most used first.
    List {
        #[arg(long)]
        exam: String,
    },
    /// Remove a snippet.
    Delete {
        #[arg(long)]
        id: String,
    },
    /// Place a snippet on a page of a copy (text, plus a score stamp for its points).
    Apply {
        #[command(flatten)]
        held: Held,
        #[arg(long)]
        id: String,
        #[arg(long)]
        page: u32,
        /// Where, as x,y fractions of the page (0 to 1).
        #[arg(long)]
        at: String,
        #[arg(long)]
        node: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DispatchCommand {
    /// Share the exam's ready copies among correctors (admins only).
    #[command(group(ArgGroup::new("plan").required(true).args(["to", "counts"])))]
    Run {
        #[arg(long)]
        exam: String,
        /// Correctors, dealt round-robin after a seeded shuffle: --to ann,bob.
        #[arg(long, value_delimiter = ',')]
        to: Vec<String>,
        /// Fixed counts: --counts ann=10,bob=20.
        #[arg(long, value_delimiter = ',')]
        counts: Vec<String>,
        /// Seed of the shuffle (recorded; by default one is drawn).
        #[arg(long)]
        seed: Option<u64>,
        /// Deal again the ready copies that already have a corrector.
        #[arg(long)]
        redo: bool,
    },
    /// Move one copy, or every not-started copy of a corrector, to another corrector.
    #[command(group(ArgGroup::new("which").required(true).args(["copy", "from"])))]
    Reassign {
        #[arg(long)]
        exam: String,
        #[arg(long)]
        copy: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[arg(long)]
    pub exam: String,
    /// Count copies not finalized yet (for the questions they have points on).
    #[arg(long)]
    pub include_ungraded: bool,
    #[arg(long, default_value_t = 10)]
    pub bins: usize,
    /// Rank the copies by this node's points, for side-by-side harmonisation.
    #[arg(long)]
    pub rank: Option<String>,
}
