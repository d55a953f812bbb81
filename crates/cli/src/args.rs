//! The command line: global flags (accepted before or after the subcommand) and the
//! subcommands.

use crate::grading_args::{
    AnnotateCommand, AppreciationCommand, BaremeCommand, CommentsCommand, DispatchCommand, Held,
    LeaseCommand, ScoreCommand, StatsArgs, UserCommand,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "korrigo",
    version,
    about = "Korrigo Station: import, identify and grade scanned exam copies"
)]
pub struct Cli {
    /// Where the station keeps its database and scans (default: the OS data directory).
    #[arg(long, global = true, env = "KORRIGO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Who is working (default: the OS user). The first user of a new station is its admin.
    #[arg(long, global = true, env = "KORRIGO_USER", value_name = "NAME")]
    pub user: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and list exams.
    #[command(subcommand)]
    Exam(ExamCommand),
    /// Class rosters.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Import scanner PDFs into an exam.
    Import(ImportArgs),
    /// List the copies of an exam with their pages and flags.
    Copies {
        #[arg(long)]
        exam: String,
    },
    /// Pages of a copy.
    #[command(subcommand)]
    Page(PageCommand),
    /// Print the exam's QR label sheets (A4, 3 × 8 labels), one label per student.
    Labels {
        #[arg(long)]
        exam: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// List the copies that wait for review, with their candidates and header crop.
    Review {
        #[arg(long)]
        exam: String,
    },
    /// Append the sheets of one copy to another (one pupil's sheets left apart).
    Join {
        /// The copy whose sheets move (it disappears).
        #[arg(long)]
        copy: String,
        /// The copy that receives them, after its last sheet.
        #[arg(long)]
        into: String,
    },
    /// Say who wrote a copy.
    #[command(group(clap::ArgGroup::new("writer").required(true).args(["student", "none"])))]
    Identify {
        #[arg(long)]
        copy: String,
        /// The student's email, as in the roster.
        #[arg(long)]
        student: Option<String>,
        /// The writer is not on the roster.
        #[arg(long)]
        none: bool,
        /// Give the copy even if the student already has one in the exam (audited).
        #[arg(long)]
        force: bool,
    },
    /// Settle a flag the import raised: confirm it, turn its page by 180°, or drop its page
    /// (a side scanned twice).
    Resolve {
        #[arg(long)]
        copy: String,
        /// The flag's number, as `korrigo review` lists them (from 1).
        #[arg(long)]
        flag: usize,
        #[arg(long, value_enum, default_value_t = FlagActionArg::Confirm)]
        action: FlagActionArg,
    },
    /// The station's users and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// An exam's barème (marking scheme).
    #[command(subcommand)]
    Bareme(BaremeCommand),
    /// Leases: hold a copy while grading it.
    #[command(subcommand)]
    Lease(LeaseCommand),
    /// Points and remarks per question.
    #[command(subcommand)]
    Score(ScoreCommand),
    /// A copy's overall appreciation.
    #[command(subcommand)]
    Appreciation(AppreciationCommand),
    /// Vector annotations on a copy's pages.
    #[command(subcommand)]
    Annotate(AnnotateCommand),
    /// The comment bank.
    #[command(subcommand)]
    Comments(CommentsCommand),
    /// Mark a copy graded (every question scored); it becomes read-only.
    Finalize {
        #[command(flatten)]
        held: Held,
    },
    /// Make a graded copy changeable again (admins only; audited).
    Reopen {
        #[arg(long)]
        copy: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Share copies among correctors.
    #[command(subcommand)]
    Dispatch(DispatchCommand),
    /// Statistics per exam and per question, or copies ranked by one question.
    Stats(StatsArgs),
    /// Export grades: a spreadsheet CSV, or the CSV PRONOTE imports.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Apply grading operations from JSON lines (a file, or - for stdin), each
    /// acknowledged on stdout once committed.
    Grade {
        #[arg(long)]
        script: PathBuf,
    },
    /// Sign in to a central server as `--user`: the token goes to the OS keyring and the
    /// profile becomes the active one (password from KORRIGO_PASSWORD, else asked).
    Login {
        /// The server's address, https://host[:port].
        #[arg(long)]
        server: String,
        /// The profile to sign in with (created if new; default: `default`).
        #[arg(long)]
        profile: Option<String>,
    },
    /// Sign out of the active profile's server and forget its token.
    Logout,
    /// The server profiles of this machine, each with its own data.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Sync with the active profile's server now, or show where sync stands.
    Sync {
        #[command(subcommand)]
        what: Option<SyncCommand>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles; the active one is marked.
    List,
    /// Make a profile the active one.
    Use { name: String },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Pending changes, last success, last error, and every conflict and rejection.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum ExamCommand {
    /// Create an exam.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 4)]
        pages_per_copy: u32,
        /// YYYY-MM-DD or DD/MM/YYYY.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        subject: Option<String>,
    },
    /// List the exams of this station.
    List,
    /// Grade an exam anonymously (teachers then see codes, never names), or not.
    Anonymous {
        #[arg(long)]
        exam: String,
        #[arg(action = clap::ArgAction::Set, value_parser = clap::value_parser!(bool))]
        on: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Import a class list exported from the school's software (Pronote CSV and similar).
    Import {
        #[arg(long)]
        exam: String,
        file: PathBuf,
        /// Keep the good rows when some rows cannot be read.
        #[arg(long)]
        accept_partial: bool,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(long)]
    pub exam: String,
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ModeArg::Auto)]
    pub mode: ModeArg,
    /// Import a file even if it was already imported into this exam.
    #[arg(long)]
    pub force: bool,
    /// Do not read the name headers: copies are cut by sheet and left unidentified.
    #[arg(long)]
    pub no_ocr: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Auto,
    A3,
    A4,
}

#[derive(Debug, Subcommand)]
pub enum PageCommand {
    /// Render one A4 page of a copy to PNG, as it is shown and exported.
    Render {
        #[arg(long)]
        copy: String,
        #[arg(long)]
        page: u32,
        #[arg(long, default_value_t = 150)]
        dpi: u32,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The annotated PDF a student receives: the scans as scanned, the annotations as
    /// vector drawing, and a relevé de notes. One copy to a file, or an exam to a folder.
    Pdf(PdfArgs),
    /// One row per copy, one column per question, total and total on 20 (UTF-8, `,`).
    Csv {
        #[arg(long)]
        exam: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// PRONOTE's import format for the graded copies (UTF-8 with BOM, `;`, CRLF, note on 20).
    Pronote {
        #[arg(long)]
        exam: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        #[arg(long, default_value_t = 1.0)]
        coefficient: f64,
    },
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["copy", "exam"])))]
pub struct PdfArgs {
    /// One copy, written to the file `-o`.
    #[arg(long)]
    pub copy: Option<String>,
    /// Every graded copy of an exam, one file each in the folder `-o`.
    #[arg(long)]
    pub exam: Option<String>,
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// With --exam: also one file holding every copy.
    #[arg(long, requires = "exam")]
    pub combined: Option<PathBuf>,
    /// Cover the identity header of every sheet and name students by code.
    #[arg(long)]
    pub anonymous: bool,
    /// Attach the annotations as PDF annotations a reader can hide, instead of drawing
    /// them into the pages.
    #[arg(long)]
    pub with_annotation_objects: bool,
    /// With --exam: export the copies that are not graded too.
    #[arg(long, requires = "exam")]
    pub include_ungraded: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FlagActionArg {
    Confirm,
    Turn,
    Drop,
}
