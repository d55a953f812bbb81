//! Who wrote each copy: class rosters as schools export them, and (to come) header
//! reading, matching and QR labels.

pub mod names;
pub mod roster;
