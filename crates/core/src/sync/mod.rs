//! The sync protocol between a station and the central server: the wire types both
//! sides speak (`wire`) and the state of each synced entity (`entity`). Pure types, no
//! I/O: the server (`korrigo-server`) and the station client (`korrigo-sync`) both
//! build on them, so a change here is a protocol change and bumps `PROTOCOL_VERSION`.

pub mod entity;
pub mod wire;

pub use entity::{
    AppreciationState, ConflictState, CopyState, EntityKind, ExamState, LeaseRecord, PageState,
    ScoreState, SourceRef, StructureState, StudentState,
};
pub use wire::{
    Entity, LoginRequest, LoginResponse, Mutation, Outcome, OutcomeStatus, PullResponse,
    PushRequest, PushResponse, ServerRole, StationCursor, PROTOCOL_VERSION,
};
