//! One module per subcommand: its clap `Args` struct and a `run` function returning a
//! [`crate::output::Status`].

pub mod convert;
pub mod input;
pub mod inspect;
pub mod validate;
