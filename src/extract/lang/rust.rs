//! Rust sources, parsed with syn.

use super::{LangOut, ParseFailure};
use crate::extract::ExtractConfig;

/// Extract the candidates of Rust code.
///
/// # Errors
/// When the code does not parse.
pub fn extract(_code: &str, _cfg: &ExtractConfig) -> Result<LangOut, ParseFailure> {
    Ok(LangOut::default())
}
