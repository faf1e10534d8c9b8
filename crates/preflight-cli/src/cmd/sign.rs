//! `preflight sign`: the request signature and its timestamp.

use crate::cli::SignArgs;
use crate::output::emit_json;

/// Run `preflight sign`; the return value is the process exit code.
pub fn run(args: SignArgs) -> u8 {
    let signed =
        kyc_preflight::Signed::new(&args.api_key, &args.partner_id, args.timestamp.as_deref());
    emit_json(&signed);
    0
}
