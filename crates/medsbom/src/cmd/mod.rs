//! One module per subcommand: its clap `Args` struct and a `run` function returning a
//! [`crate::output::Status`].

pub mod admin;
pub mod analysis;
pub mod assets;
pub mod audit;
pub mod backup;
pub mod by_asset;
pub mod check;
pub mod component;
pub mod convert;
pub mod db;
pub mod demo;
pub mod diff;
pub mod feeds;
pub mod generate;
pub mod impact;
pub mod ingest;
pub mod input;
pub mod inspect;
pub mod keys;
pub mod lifecycle;
pub mod product;
pub mod products;
pub mod sboms;
pub mod scan_sbom;
pub mod search;
pub mod serve;
pub mod share;
pub mod sign;
pub mod validate;
pub mod vex;
pub mod vulns;
