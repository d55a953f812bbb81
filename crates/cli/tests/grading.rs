//! Grading through the `korrigo` binary: barème, leases, scores, annotations, comments,
//! finalize/reopen, dispatch, statistics, their error codes — and a grading script
//! killed mid-way that loses none of the changes it acknowledged.

use korrigo_fixtures::{BatchSpec, CopySpec, Encoding, Mode};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BAREME: &str = r#"{
  "step": 0.5,
  "nodes": [
    {"id": "ex1", "label": "Exercice 1", "children": [
      {"id": "q1", "label": "1.", "max": 2},
      {"id": "q2", "label": "2.", "max": 3, "stamps": "from_max"}
    ]},
    {"id": "ex2", "label": "Exercice 2", "max": 5}
  ]
}"#;

struct Station {
    _dir: tempfile::TempDir,
    data: PathBuf,
    exam: String,
    copies: Vec<String>,
}

fn run(data: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_korrigo"))
        .arg("--data-dir")
        .arg(data)
        .args(["--user", user, "--json"])
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The `{code, message}` of a failed command, checked against its exit code.
fn err(out: Output, code: &str, exit: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["code"], code, "{e}");
    e["message"].as_str().unwrap().to_string()
}

/// An exam of `n` one-sheet copies, each identified, with the barème set, as "admin".
fn station(n: u32) -> Station {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let data = root.join("data");
    let pdf = root.join("batch.pdf");
    korrigo_fixtures::write_batch(
        &BatchSpec {
            seed: 11,
            dpi: 80,
            mode: Mode::A3,
            encoding: Encoding::Jpeg { quality: 75 },
            rotate270: false,
            copies: (0..n).map(|_| CopySpec::plain(1)).collect(),
        },
        &pdf,
    )
    .unwrap();
    let exam = ok(run(&data, "admin", &["exam", "create", "--name", "DS 4"]))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut csv = String::from("Nom;Prénom;Né(e) le;Adresse E-mail\n");
    for i in 0..n {
        csv += &format!("ELEVE{i};Prénom{i};01/02/2010;e{i}@lycee.fr\n");
    }
    std::fs::write(root.join("roster.csv"), csv).unwrap();
    let roster = root.join("roster.csv");
    ok(run(
        &data,
        "admin",
        &[
            "roster",
            "import",
            "--exam",
            &exam,
            roster.to_str().unwrap(),
        ],
    ));
    ok(run(
        &data,
        "admin",
        &["import", "--exam", &exam, "--no-ocr", pdf.to_str().unwrap()],
    ));
    let listed = ok(run(&data, "admin", &["copies", "--exam", &exam]));
    let copies: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    for (i, c) in copies.iter().enumerate() {
        ok(run(
            &data,
            "admin",
            &[
                "identify",
                "--copy",
                c,
                "--student",
                &format!("e{i}@lycee.fr"),
            ],
        ));
    }
    std::fs::write(root.join("bareme.json"), BAREME).unwrap();
    let b = root.join("bareme.json");
    let shown = ok(run(
        &data,
        "admin",
        &["bareme", "set", "--exam", &exam, b.to_str().unwrap()],
    ));
    assert_eq!(shown["max_total"], 10);
    Station {
        _dir: dir,
        data,
        exam,
        copies,
    }
}

#[test]
fn a_teacher_grades_a_copy_from_the_command_line() {
    let s = station(2);
    let (data, c) = (&s.data, s.copies[0].as_str());
    ok(run(
        data,
        "admin",
        &["user", "add", "ann", "--role", "teacher"],
    ));
    // Writing without a lease, or with a made-up token, is lease_lost.
    err(
        run(
            data,
            "ann",
            &["score", "set", "--copy", c, "--node", "q1", "--points", "1"],
        ),
        "lease_lost",
        5,
    );
    let lease = ok(run(
        data,
        "ann",
        &["lease", "take", "--copy", c, "--ttl-minutes", "30"],
    ));
    let token = lease["token"].as_i64().unwrap().to_string();
    let t = token.as_str();
    assert_eq!(lease["holder"]["user"], "ann");
    // Someone else cannot take it meanwhile.
    err(
        run(data, "bob", &["lease", "take", "--copy", c]),
        "conflict",
        4,
    );
    err(
        run(
            data,
            "bob",
            &[
                "score", "set", "--copy", c, "--token", t, "--node", "q1", "--points", "1",
            ],
        ),
        "lease_lost",
        5,
    );

    let g = ok(run(
        data,
        "ann",
        &[
            "score",
            "set",
            "--copy",
            c,
            "--token",
            t,
            "--node",
            "q1",
            "--points",
            "1,5",
            "--remark",
            "Calcul juste",
        ],
    ));
    assert_eq!(g["grade"]["total"], 1.5);
    let msg = err(
        run(
            data,
            "ann",
            &[
                "score", "set", "--copy", c, "--token", t, "--node", "q1", "--points", "2.25",
            ],
        ),
        "validation",
        2,
    );
    assert!(
        msg.contains("outside 0 to 2") || msg.contains("multiple"),
        "{msg}"
    );
    ok(run(
        data,
        "ann",
        &[
            "appreciation",
            "set",
            "--copy",
            c,
            "--token",
            t,
            "Bon travail",
        ],
    ));

    let pen = r#"{"kind": "pen", "points": [{"x": 0.2, "y": 0.3, "p": 0.4}, {"x": 0.3, "y": 0.35, "p": 0.9}]}"#;
    let added = ok(run(
        data,
        "ann",
        &[
            "annotate", "add", "--copy", c, "--token", t, "--page", "1", "--shape", pen,
        ],
    ));
    let id = added["after"]["id"].as_str().unwrap().to_string();
    assert_eq!(added["after"]["version"], 1);
    let bad = err(
        run(
            data,
            "ann",
            &[
                "annotate",
                "add",
                "--copy",
                c,
                "--token",
                t,
                "--page",
                "1",
                "--shape",
                r#"{"kind": "line", "from": {"x": 0, "y": 0}, "to": {"x": 2, "y": 0}}"#,
            ],
        ),
        "validation",
        2,
    );
    assert!(bad.contains("outside the page"), "{bad}");
    err(
        run(
            data,
            "ann",
            &[
                "annotate",
                "update",
                "--copy",
                c,
                "--token",
                t,
                "--id",
                &id,
                "--version",
                "5",
                "--z",
                "9",
            ],
        ),
        "conflict",
        4,
    );
    ok(run(
        data,
        "ann",
        &[
            "annotate",
            "update",
            "--copy",
            c,
            "--token",
            t,
            "--id",
            &id,
            "--version",
            "1",
            "--style",
            r##"{"color": "#0000ff", "width": 0.004, "opacity": 1}"##,
        ],
    ));
    let stamp = r#"{"kind": "score", "at": {"x": 0.7, "y": 0.5}, "node": "q2", "delta": -1}"#;
    ok(run(
        data,
        "ann",
        &[
            "annotate", "add", "--copy", c, "--token", t, "--page", "2", "--shape", stamp,
        ],
    ));
    let comment = ok(run(
        data,
        "ann",
        &[
            "comments",
            "add",
            "--exam",
            &s.exam,
            "--text",
            "Justifier",
            "--node",
            "q2",
            "--points",
            "-0.5",
        ],
    ));
    ok(run(
        data,
        "ann",
        &[
            "comments",
            "apply",
            "--copy",
            c,
            "--token",
            t,
            "--id",
            comment["id"].as_str().unwrap(),
            "--page",
            "2",
            "--at",
            "0.5,0.6",
        ],
    ));
    let list = ok(run(data, "ann", &["annotate", "list", "--copy", c]));
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[0]["style"]["color"], "#0000ff");

    let msg = err(
        run(data, "ann", &["finalize", "--copy", c, "--token", t]),
        "validation",
        2,
    );
    assert!(msg.contains("Exercice 2"), "{msg}");
    ok(run(
        data,
        "ann",
        &[
            "score", "set", "--copy", c, "--token", t, "--node", "ex2", "--points", "4",
        ],
    ));
    let done = ok(run(data, "ann", &["finalize", "--copy", c, "--token", t]));
    // q1 1.5 + q2 (3 - 1 - 0.5) + ex2 4
    assert_eq!(done["total"], 7);
    assert_eq!(done["on_20"], 14.0);
    err(
        run(
            data,
            "ann",
            &[
                "score", "set", "--copy", c, "--token", t, "--node", "q1", "--points", "2",
            ],
        ),
        "conflict",
        4,
    );
    err(
        run(data, "ann", &["reopen", "--copy", c]),
        "unauthorized",
        7,
    );
    ok(run(
        data,
        "admin",
        &["reopen", "--copy", c, "--reason", "recours"],
    ));
    let lease = ok(run(data, "ann", &["lease", "take", "--copy", c]));
    assert!(lease["token"].as_i64().unwrap() > token.parse::<i64>().unwrap());
    let t2 = lease["token"].as_i64().unwrap().to_string();
    ok(run(data, "ann", &["finalize", "--copy", c, "--token", &t2]));

    let stats = ok(run(data, "ann", &["stats", "--exam", &s.exam]));
    assert_eq!(stats["on_20"]["count"], 1);
    assert_eq!(stats["on_20"]["mean"], 14.0);
    let ranked = ok(run(
        data,
        "ann",
        &[
            "stats",
            "--exam",
            &s.exam,
            "--rank",
            "q1",
            "--include-ungraded",
        ],
    ));
    assert_eq!(ranked[0]["copy_id"], c);
    assert_eq!(ranked[0]["remark"], "Calcul juste");

    let csv_path = s.data.with_file_name("notes.csv");
    let out = ok(run(
        data,
        "ann",
        &[
            "export",
            "csv",
            "--exam",
            &s.exam,
            "-o",
            csv_path.to_str().unwrap(),
        ],
    ));
    assert_eq!(out["rows"], 2);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("copie,statut,nom,prenom,email,Exercice 1 > 1.,Exercice 1 > 2.,Exercice 2,total /10,total /20\n"), "{text}");
    assert!(text.contains(",1.5,1.5,4,7,14.00\n"), "{text}");
    let pronote = s.data.with_file_name("pronote.csv");
    ok(run(
        data,
        "ann",
        &[
            "export",
            "pronote",
            "--exam",
            &s.exam,
            "-o",
            pronote.to_str().unwrap(),
            "--coefficient",
            "2",
        ],
    ));
    let bytes = std::fs::read(&pronote).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("ELEVE0;Prénom0;01/02/2010;;14,00;2;Bon travail\r\n"),
        "{text}"
    );

    let pdf = s.data.with_file_name("copie.pdf");
    let file = ok(run(
        data,
        "ann",
        &["export", "pdf", "--copy", c, "-o", pdf.to_str().unwrap()],
    ));
    assert_eq!(file["pages"], 5, "{file}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-1.7"));
    let folder = s.data.with_file_name("pdf");
    let all = s.data.with_file_name("classe.pdf");
    let summary = ok(run(
        data,
        "ann",
        &[
            "export",
            "pdf",
            "--exam",
            &s.exam,
            "-o",
            folder.to_str().unwrap(),
            "--combined",
            all.to_str().unwrap(),
            "--anonymous",
        ],
    ));
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "one graded copy: {summary}");
    let code = korrigo_core::model::anonymous_code(c);
    assert!(folder.join(format!("{code}.pdf")).exists());
    assert_eq!(summary["combined"]["pages"], 5);
    assert_eq!(summary["skipped"].as_array().unwrap().len(), 1);
    err(
        run(
            data,
            "ann",
            &[
                "export",
                "pdf",
                "--copy",
                "nope",
                "-o",
                pdf.to_str().unwrap(),
            ],
        ),
        "not_found",
        3,
    );
}

#[test]
fn an_admin_dispatches_and_force_releases() {
    let s = station(3);
    let data = &s.data;
    let run1 = ok(run(
        data,
        "admin",
        &[
            "dispatch", "run", "--exam", &s.exam, "--to", "ann,bob", "--seed", "3",
        ],
    ));
    assert_eq!(run1["assignments"].as_array().unwrap().len(), 3);
    err(
        run(
            data,
            "ann",
            &[
                "dispatch", "run", "--exam", &s.exam, "--to", "ann", "--redo",
            ],
        ),
        "unauthorized",
        7,
    );
    let msg = err(
        run(
            data,
            "admin",
            &[
                "dispatch",
                "run",
                "--exam",
                &s.exam,
                "--counts",
                "ann=1,bob=1",
                "--redo",
            ],
        ),
        "validation",
        2,
    );
    assert!(msg.contains("add up to 2"), "{msg}");
    let moved = ok(run(
        data,
        "admin",
        &[
            "dispatch", "reassign", "--exam", &s.exam, "--from", "bob", "--to", "cid",
        ],
    ));
    let copies = ok(run(data, "admin", &["copies", "--exam", &s.exam]));
    let cid = copies
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["corrector"] == "cid")
        .count();
    assert_eq!(cid, moved["assignments"].as_array().unwrap().len());

    let c = s.copies[1].as_str();
    let t = ok(run(data, "bob", &["lease", "take", "--copy", c]))["token"]
        .as_i64()
        .unwrap()
        .to_string();
    err(
        run(data, "bob", &["lease", "force-release", "--copy", c]),
        "unauthorized",
        7,
    );
    ok(run(
        data,
        "admin",
        &["lease", "force-release", "--copy", c, "--reason", "absent"],
    ));
    err(
        run(
            data,
            "bob",
            &[
                "score", "set", "--copy", c, "--token", &t, "--node", "q1", "--points", "1",
            ],
        ),
        "lease_lost",
        5,
    );
    let shown = ok(run(data, "bob", &["lease", "show", "--copy", c]));
    assert_eq!(shown["state"], "forced");
}

#[test]
fn a_killed_grading_script_loses_no_acknowledged_change() {
    let s = station(2);
    let data = &s.data;
    let tokens: Vec<i64> = s
        .copies
        .iter()
        .map(|c| {
            ok(run(data, "admin", &["lease", "take", "--copy", c]))["token"]
                .as_i64()
                .unwrap()
        })
        .collect();
    // 2,000 lines: text annotations, and points on a rotating (copy, question).
    let keys = [("q1", 4), ("q2", 6), ("ex2", 10)];
    let mut lines = Vec::new();
    for n in 0..2000usize {
        let ci = n % 2;
        let (node, max_halves) = keys[(n / 2) % 3];
        let (copy, token) = (&s.copies[ci], tokens[ci]);
        if n % 2 == 0 {
            let points = (n % (max_halves + 1)) as f64 / 2.0;
            lines.push((format!(r#"{{"op": "score", "copy": "{copy}", "token": {token}, "node": "{node}", "points": {points}}}"#), Some((copy.clone(), node, points))));
        } else {
            lines.push((format!(r#"{{"op": "annotate", "copy": "{copy}", "token": {token}, "page": 3, "shape": {{"kind": "text", "at": {{"x": 0.1, "y": 0.1}}, "text": "ligne {n}", "size": 0.02}}}}"#), None));
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_korrigo"))
        .arg("--data-dir")
        .arg(data)
        .args(["--user", "admin", "grade", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let all: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
    let writer = std::thread::spawn(move || {
        for l in all {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let mut acked = HashSet::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while acked.len() < 250 {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the script stopped early"
        );
        let ack: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(ack["ok"], true, "{ack}");
        acked.insert(ack["line"].as_u64().unwrap() as usize);
    }
    // SIGKILL while it is still committing the lines that follow.
    child.kill().unwrap();
    child.wait().unwrap();
    drop(reader);
    let _ = writer.join();
    assert!(acked.len() < lines.len());

    // Every acknowledged annotation is there.
    let mut texts = HashSet::new();
    for c in &s.copies {
        for a in ok(run(data, "admin", &["annotate", "list", "--copy", c]))
            .as_array()
            .unwrap()
        {
            texts.insert(a["shape"]["text"].as_str().unwrap().to_string());
        }
    }
    assert!(
        texts.len() < lines.len() / 2,
        "the kill came after the end of the script: {} annotations",
        texts.len()
    );
    for &n in &acked {
        if lines[n - 1].1.is_none() {
            assert!(
                texts.contains(&format!("ligne {}", n - 1)),
                "line {n} was acknowledged but is lost"
            );
        }
    }
    // Every (copy, question) holds its last acknowledged value, or a later one that was
    // committed just before the kill.
    let last_acked = acked.iter().copied().max().unwrap();
    let mut expected: HashMap<(String, &str), Vec<f64>> = HashMap::new();
    for (i, (_, score)) in lines.iter().enumerate() {
        if let Some((copy, node, points)) = score {
            let e = expected.entry((copy.clone(), node)).or_default();
            if i < last_acked {
                *e = vec![*points];
            } else {
                e.push(*points);
            }
        }
    }
    for ((copy, node), allowed) in expected {
        let g = ok(run(data, "admin", &["score", "show", "--copy", &copy]));
        let got = g["grade"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == node)
            .unwrap()["points"]
            .as_f64();
        assert!(
            got.is_some_and(|v| allowed.contains(&v)),
            "{copy} {node}: {got:?} not in {allowed:?}"
        );
    }
}
