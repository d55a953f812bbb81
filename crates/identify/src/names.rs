//! Names as people write them: accents, case, particles. Comparison works on
//! accent-free uppercase letters.

/// Uppercase ASCII letters of `s`, accents removed, everything else dropped.
pub fn letters(s: &str) -> String {
    s.chars()
        .flat_map(fold)
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A header-style key: lowercase ASCII letters and digits only ("Né(e) le" -> "neele").
pub fn key(s: &str) -> String {
    s.chars()
        .flat_map(fold)
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn fold(c: char) -> Vec<char> {
    let base = match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'Ç' => 'C',
        'ç' => 'c',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ñ' => 'N',
        'ñ' => 'n',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ý' | 'Ÿ' => 'Y',
        'ý' | 'ÿ' => 'y',
        'Æ' => return vec!['A', 'E'],
        'æ' => return vec!['a', 'e'],
        'Œ' => return vec!['O', 'E'],
        'œ' => return vec!['o', 'e'],
        'ß' => return vec!['s', 's'],
        other => other,
    };
    vec![base]
}

/// Whether a word is written in capitals (a last name in "LASTNAME Firstname"): it has
/// letters and none of them is lowercase. "N'DIAYE", "BEN", "LE-GALL" are.
pub fn is_capitalised(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// Splits "LASTNAME Firstname" (the Pronote `Élèves` column): the leading capitalised
/// words are the last name. With no lowercase word at all, the last word is the first
/// name.
pub fn split_full_name(cell: &str) -> Option<(String, String)> {
    let words: Vec<&str> = cell.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let caps = words.iter().take_while(|w| is_capitalised(w)).count();
    let cut = match caps {
        0 => return None,
        n if n == words.len() => n - 1,
        n => n,
    };
    Some((words[..cut].join(" "), words[cut..].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_fold_accents_and_drop_the_rest() {
        assert_eq!(letters("N'Diaye-Lefèvre"), "NDIAYELEFEVRE");
        assert_eq!(letters("Œuvré"), "OEUVRE");
        assert_eq!(key("Né(e) le"), "neele");
        assert_eq!(key("Adresse E-mail"), "adresseemail");
    }

    #[test]
    fn full_names_split_at_the_first_lowercase_word() {
        let s = |c| split_full_name(c).unwrap();
        assert_eq!(s("BEN AMOR Mariem"), ("BEN AMOR".into(), "Mariem".into()));
        assert_eq!(
            s("DE LA FONTAINE Jean-Baptiste"),
            ("DE LA FONTAINE".into(), "Jean-Baptiste".into())
        );
        assert_eq!(s("N'DIAYE Éloïse"), ("N'DIAYE".into(), "Éloïse".into()));
        assert_eq!(
            s("LE GALL Anne Marie"),
            ("LE GALL".into(), "Anne Marie".into())
        );
        assert_eq!(s("ÇELIK Zoé"), ("ÇELIK".into(), "Zoé".into()));
        assert_eq!(s("MARTIN THEO"), ("MARTIN".into(), "THEO".into()));
        assert_eq!(split_full_name("Martin"), None);
        assert_eq!(split_full_name("martin theo"), None);
    }
}
