//! The `korrigo` binary end to end: JSON shapes, global flags anywhere, exit codes and
//! `{code, message}` errors.

use korrigo_fixtures::{BatchSpec, CopySpec, Encoding, Mode};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn korrigo(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_korrigo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn create_import_list_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pdf = dir.path().join("batch.pdf");
    let mut copies = vec![CopySpec::plain(1), CopySpec::plain(1)];
    copies[1].upside_down = true;
    let spec = BatchSpec {
        seed: 5,
        dpi: 100,
        mode: Mode::A3,
        encoding: Encoding::Jpeg { quality: 80 },
        rotate270: false,
        copies,
    };
    korrigo_fixtures::write_batch(&spec, &pdf).unwrap();

    let exam = json(&korrigo(
        &data,
        &[
            "--json",
            "exam",
            "create",
            "--name",
            "DS 3",
            "--date",
            "21/11/2026",
        ],
    ));
    let id = exam["id"].as_str().unwrap().to_string();
    // --json after the subcommand works as well.
    let summary = json(&korrigo(
        &data,
        &["import", "--exam", &id, pdf.to_str().unwrap(), "--json"],
    ));
    assert_eq!(summary["copies"], 2);
    assert_eq!(summary["pages"], 8);
    assert_eq!(summary["ready"], 0);
    assert_eq!(summary["needs_review"], 2);
    assert_eq!(summary["flags"][0]["kind"], "upside_down");

    let copies = json(&korrigo(&data, &["copies", "--exam", &id, "--json"]));
    let copies = copies.as_array().unwrap();
    assert_eq!(copies.len(), 2);
    let c = &copies[1];
    for key in [
        "id",
        "status",
        "student",
        "identified_by",
        "confidence",
        "flags",
        "pages",
    ] {
        assert!(c.get(key).is_some(), "copies show `{key}`");
    }
    assert_eq!(c["status"], "needs_review");
    assert!(c["student"].is_null());
    let p1 = &c["pages"][0];
    assert_eq!(p1["number"], 1);
    assert_eq!(p1["source"]["index"], 2);
    assert_eq!(p1["source"]["half"], "left");
    assert_eq!(p1["source"]["rotation"], 180);
    assert_eq!(p1["source"]["pdf"].as_str().unwrap().len(), 64);

    let png = dir.path().join("p1.png");
    let copy_id = c["id"].as_str().unwrap();
    let out = korrigo(
        &data,
        &[
            "page",
            "render",
            "--copy",
            copy_id,
            "--page",
            "1",
            "--dpi",
            "50",
            "-o",
            png.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (w, h) = image::image_dimensions(&png).unwrap();
    assert_eq!((w, h), (413, 585));

    let human = korrigo(&data, &["copies", "--exam", &id]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("upside_down") && text.contains("needs_review"),
        "{text}"
    );

    // The operator says the import was wrong to turn the sheet: its page turns back.
    let flag = c["flags"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["kind"] == "upside_down" && f["page"] == 1)
        .expect("page 1 is flagged upside down");
    let turned = json(&korrigo(
        &data,
        &[
            "--json",
            "resolve",
            "--copy",
            copy_id,
            "--flag",
            &(flag + 1).to_string(),
            "--action",
            "turn",
        ],
    ));
    assert_eq!(turned["pages"][0]["source"]["rotation"], 0);
    assert_eq!(turned["flags"][flag]["resolved"]["action"], "turned");
    let out = korrigo(&data, &["resolve", "--copy", copy_id, "--flag", "99"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn errors_have_a_code_a_message_and_an_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = korrigo(&data, &["--json", "copies", "--exam", "0190-nope"]);
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().unwrap().contains("0190-nope"));

    let exam = json(&korrigo(
        &data,
        &["--json", "exam", "create", "--name", "X"],
    ));
    let text = dir.path().join("notes.pdf");
    std::fs::write(&text, "hello").unwrap();
    let out = korrigo(
        &data,
        &[
            "import",
            "--exam",
            exam["id"].as_str().unwrap(),
            text.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(8));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("notes.pdf") && stderr.contains("corrupt_input"),
        "{stderr}"
    );

    let out = korrigo(
        &data,
        &["exam", "create", "--name", "Y", "--pages-per-copy", "6"],
    );
    assert_eq!(out.status.code(), Some(2));
}
