//! The grading domain as pure data and rules, with no database: the barème, points,
//! annotations, the copy status machine, leases, derived totals, undo/redo, dispatch
//! and statistics. The store applies these rules inside its transactions.

pub mod annotation;
pub mod bareme;
pub mod dispatch;
pub mod history;
pub mod lease;
pub mod points;
pub mod stats;
pub mod status;
pub mod totals;

pub use annotation::{Annotation, AnnotationPatch, NewAnnotation, Shape, Style};
pub use bareme::{Bareme, Leaf, Node, StampMode};
pub use history::{Edit, History};
pub use lease::{Holder, Lease, LeaseState};
pub use points::{Points, Step};
pub use status::CopyEvent;
pub use totals::{CopyGrade, NodeGrade};
