//! Reading a class roster as schools export it (Pronote and similar): columns found by
//! their names, `,` or `;`, UTF-8 with or without BOM or Windows-1252. Every bad row is
//! reported with its line number; nothing is returned half-read.

use crate::names::{key, split_full_name};
use korrigo_core::store::NewStudent;
use korrigo_core::{Error, Result};
use serde::Serialize;

pub const MAX_ROWS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RowError {
    /// 1-based line of the file.
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRoster {
    pub students: Vec<NewStudent>,
    pub errors: Vec<RowError>,
}

enum NameColumns {
    Combined(usize),
    Split { last: usize, first: usize },
}

struct Columns {
    name: NameColumns,
    birth: Option<usize>,
    email: Option<usize>,
    class: Option<usize>,
    group: Option<usize>,
}

/// Parses the roster file `bytes`; `file` names it in messages.
pub fn parse(bytes: &[u8], file: &str) -> Result<ParsedRoster> {
    let text = decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::validation(format!("{file}: cannot read the header line: {e}")))?
        .clone();
    let cols = columns(&headers).ok_or_else(|| {
        Error::validation(format!(
            "{file}: no usable name column (expected `Élèves`, or `Nom` and `Prénom`); found: {}",
            headers.iter().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut students = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if students.len() + errors.len() >= MAX_ROWS {
            return Err(Error::validation(format!(
                "{file}: more than {MAX_ROWS} rows; split the file by class"
            )));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match student(&record, &cols) {
            Ok(s) => students.push(s),
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    Ok(ParsedRoster { students, errors })
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

fn columns(headers: &csv::StringRecord) -> Option<Columns> {
    let keys: Vec<String> = headers.iter().map(key).collect();
    let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
    let name = match find(&[
        "eleves",
        "eleve",
        "nomprenom",
        "nometprenom",
        "nomcomplet",
        "identite",
    ]) {
        Some(c) => NameColumns::Combined(c),
        None => NameColumns::Split {
            last: find(&["nom", "nomdefamille", "nomdusage", "lastname"])?,
            first: find(&["prenom", "prenoms", "firstname"])?,
        },
    };
    Some(Columns {
        name,
        birth: find(&[
            "neele",
            "nele",
            "neele",
            "datedenaissance",
            "naissance",
            "birthdate",
        ]),
        email: find(&[
            "adresseemail",
            "adressemail",
            "email",
            "courriel",
            "mail",
            "adressecourriel",
        ]),
        class: find(&["classe", "classes", "division"]),
        group: find(&["groupe", "groupes"]),
    })
}

fn student(record: &csv::StringRecord, cols: &Columns) -> std::result::Result<NewStudent, String> {
    let get = |c: Option<usize>| {
        c.and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let (last_name, first_name) = match cols.name {
        NameColumns::Combined(c) => {
            let cell = get(Some(c)).ok_or("the name is empty")?;
            split_full_name(&cell)
                .ok_or_else(|| format!("cannot split '{cell}' into LASTNAME Firstname"))?
        }
        NameColumns::Split { last, first } => (
            get(Some(last)).ok_or("the last name is empty")?,
            get(Some(first)).ok_or("the first name is empty")?,
        ),
    };
    let birth_date = match get(cols.birth) {
        Some(d) => Some(korrigo_core::store::parse_date(&d).map_err(|e| e.message)?),
        None => None,
    };
    let email = get(cols.email);
    if let Some(e) = &email {
        if !e.contains('@') || e.contains(' ') {
            return Err(format!("'{e}' is not an email address"));
        }
    }
    Ok(NewStudent {
        last_name,
        first_name,
        birth_date,
        email,
        class: get(cols.class),
        group: get(cols.group),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronote_export_with_bom_and_semicolons() {
        let csv = "\u{feff}Élèves;Né(e) le;Adresse E-mail;Classe\nBEN AMOR Mariem;15/06/2009;m.ba@x.tn;T.01\n";
        let r = parse(csv.as_bytes(), "c.csv").unwrap();
        assert!(r.errors.is_empty());
        let s = &r.students[0];
        assert_eq!(
            (s.last_name.as_str(), s.first_name.as_str()),
            ("BEN AMOR", "Mariem")
        );
        assert_eq!(s.birth_date.as_deref(), Some("2009-06-15"));
        assert_eq!(s.class.as_deref(), Some("T.01"));
    }

    #[test]
    fn windows_1252_with_split_names_and_row_errors() {
        let mut bytes = b"Nom,Pr\xe9nom,Date de naissance\n".to_vec();
        bytes.extend_from_slice(
            b"L\xc9FEVRE,Zo\xe9,01/02/2008\nMARTIN,,01/02/2008\nDUPONT,Jean,31/02/2008\n",
        );
        let r = parse(&bytes, "c.csv").unwrap();
        assert_eq!(r.students.len(), 1);
        assert_eq!(r.students[0].last_name, "LÉFEVRE");
        assert_eq!(r.students[0].first_name, "Zoé");
        assert_eq!(
            r.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![3, 4]
        );
    }

    #[test]
    fn a_file_without_a_name_column_is_refused() {
        let err = parse(b"Classe,Email\nT1,a@b.c\n", "c.csv").unwrap_err();
        assert!(
            err.message.contains("c.csv") && err.message.contains("name column"),
            "{}",
            err.message
        );
    }
}
