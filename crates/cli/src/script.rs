//! `korrigo grade --script`: grading operations read as JSON lines (a file or stdin),
//! each committed on its own and acknowledged on stdout only once it is durable, so a
//! crash loses at most the line being applied. One line per operation:
//!
//! ```text
//! {"op": "score", "copy": "…", "token": 3, "node": "q1", "points": 2.5}
//! {"op": "remark", "copy": "…", "token": 3, "node": "ex1", "text": "Bien"}
//! {"op": "appreciation", "copy": "…", "token": 3, "text": "Sérieux"}
//! {"op": "annotate", "copy": "…", "token": 3, "page": 1, "shape": {…}, "style": {…}}
//! ```

use korrigo_core::grading::{NewAnnotation, Points, Shape, Style};
use korrigo_core::store::Store;
use korrigo_core::{Error, Result};
use serde::Deserialize;
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Op {
    Score {
        copy: String,
        token: Option<i64>,
        node: String,
        points: Option<Points>,
    },
    Remark {
        copy: String,
        token: Option<i64>,
        node: String,
        text: Option<String>,
    },
    Appreciation {
        copy: String,
        token: Option<i64>,
        text: Option<String>,
    },
    Annotate {
        copy: String,
        token: Option<i64>,
        page: u32,
        shape: Shape,
        #[serde(default)]
        style: Option<Style>,
    },
}

fn apply(store: &mut Store, op: Op) -> Result<serde_json::Value> {
    let edit = match op {
        Op::Score {
            copy,
            token,
            node,
            points,
        } => store.set_points(&copy, token, &node, points)?,
        Op::Remark {
            copy,
            token,
            node,
            text,
        } => store.set_remark(&copy, token, &node, text)?,
        Op::Appreciation { copy, token, text } => store.set_appreciation(&copy, token, text)?,
        Op::Annotate {
            copy,
            token,
            page,
            shape,
            style,
        } => store.add_annotation(
            &copy,
            token,
            NewAnnotation {
                page,
                shape,
                style,
                z: None,
            },
        )?,
    };
    Ok(serde_json::to_value(edit).unwrap_or_default())
}

/// Applies every line; prints one acknowledgement per line. Fails with the first
/// error's code once all lines were tried.
pub fn run(store: &mut Store, script: &Path) -> Result<()> {
    let reader: Box<dyn BufRead> = if script == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(script)
                .map_err(|e| Error::validation(format!("cannot read {}: {e}", script.display())))?,
        ))
    };
    let name = script.display().to_string();
    let mut first_error: Option<Error> = None;
    let mut out = std::io::stdout().lock();
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line =
            line.map_err(|e| Error::validation(format!("{name}: line {n} cannot be read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Op>(&line)
            .map_err(|e| Error::validation(format!("{name}: line {n}: {e}")))
            .and_then(|op| apply(store, op));
        let ack = match result {
            Ok(edit) => json!({ "line": n, "ok": true, "edit": edit }),
            Err(e) => {
                let ack = json!({ "line": n, "ok": false, "error": e });
                first_error.get_or_insert(Error::new(e.code, format!("line {n}: {}", e.message)));
                ack
            }
        };
        writeln!(out, "{ack}")
            .and_then(|()| out.flush())
            .map_err(|e| Error::internal(format!("cannot write the acknowledgement: {e}")))?;
    }
    first_error.map_or(Ok(()), Err)
}
