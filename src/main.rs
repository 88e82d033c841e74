//! Thin binary: parse, call [`scopeshift::run`], map the exit code (0 clean, 1 findings, 2 error).

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic message can quote the input (a slice of a file that holds a key): print it with
    // every key-shaped token masked. The scan catches panics per file and goes on.
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        #[allow(clippy::print_stderr)]
        {
            eprintln!("scopeshift: internal error{at}: {}", scopeshift::secret::mask_tokens(&payload));
        }
    }));
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
