//! The process exit status (SPEC §3).

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on` (exit 0).
    Success,
    /// At least one finding at or above `--fail-on` (exit 1).
    Failure,
    /// Usage error: bad flag, unreadable file, invalid pack or config (exit 2).
    Error,
}

impl ExitStatus {
    /// The numeric exit code.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code() as u8)
    }
}
