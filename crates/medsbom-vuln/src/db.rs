//! The database layer: [`medsbom_sql`], shared with the other crates that own tables.

pub(crate) use medsbom_sql::*;
