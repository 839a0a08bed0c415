//! The deliberate faults of the sample export: rows with data errors (one
//! fault each, in rotation) and rows with warnings, at the requested rate.

// ---- faults -----------------------------------------------------------------

/// Error-level faults, applied in rotation at `faulty_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    MissingRef,
    ImpossibleDate,
    UnparseableDate,
    RespondedBeforeReceived,
    UnknownOutcome,
    UnknownStage,
    NegativeCompensation,
    UnparseableAmount,
    Duplicate,
}

pub(super) const FAULTS: [Fault; 9] = [
    Fault::MissingRef,
    Fault::ImpossibleDate,
    Fault::UnparseableDate,
    Fault::RespondedBeforeReceived,
    Fault::UnknownOutcome,
    Fault::UnknownStage,
    Fault::NegativeCompensation,
    Fault::UnparseableAmount,
    Fault::Duplicate,
];

/// Warning-level shapes, applied in rotation at `faulty_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Warning {
    RespondedWithoutAck,
    ExtensionBeyondMaximum,
}

pub(super) const WARNINGS: [Warning; 2] = [Warning::RespondedWithoutAck, Warning::ExtensionBeyondMaximum];
