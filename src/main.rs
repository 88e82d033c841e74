//! Thin binary: parse, call [`scopeshift::run`], map the exit code (0 clean, 1 findings, 2 error).

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = scopeshift::cli::Cli::parse();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match scopeshift::run(cli, &mut out) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            drop(out);
            #[allow(clippy::print_stderr)]
            {
                eprintln!("scopeshift: error: {e}");
            }
            ExitCode::from(2)
        }
    }
}
