//! `korrigo`: every station capability without a window. Results go to stdout (JSON with
//! `--json`), progress bars and errors to stderr; the exit code says which error it was.

mod args;
mod export;
mod grading;
mod grading_args;
mod output;
mod run;
mod script;
mod sync;

use clap::Parser;

fn main() {
    korrigo_identify::ocr::ensure_single_threaded();
    let cli = args::Cli::parse();
    let json = cli.json;
    match run::run(cli) {
        Ok(()) => {}
        Err(e) => {
            output::error(&e, json);
            std::process::exit(e.code.exit_code());
        }
    }
}
