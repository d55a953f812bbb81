//! Who wrote each copy: class rosters as schools export them, reading the name header,
//! matching it against the roster, and the global assignment of copies to students.

pub mod assign;
pub mod header;
pub mod labels;
pub mod matcher;
pub mod names;
pub mod ocr;
pub mod qr;
pub mod roster;
