//! Exit statuses, as grep has them: 0 events found, 1 none, 2 an error occurred
//! (the run went on), and 3 for `report --fail-on` alerts.

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Found,
    NoneFound,
    Error,
    Alert,
}

impl Status {
    /// An error outranks everything but an alert; otherwise found or not.
    pub fn of(found: bool, error: bool) -> Status {
        match (error, found) {
            (true, _) => Status::Error,
            (false, true) => Status::Found,
            (false, false) => Status::NoneFound,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Status::Found => 0,
            Status::NoneFound => 1,
            Status::Error => 2,
            Status::Alert => 3,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grep_conventions() {
        assert_eq!(Status::of(true, false).code(), 0);
        assert_eq!(Status::of(false, false).code(), 1);
        assert_eq!(Status::of(true, true).code(), 2);
        assert_eq!(Status::of(false, true).code(), 2);
        assert_eq!(Status::Alert.code(), 3);
    }
}
