//! `medsbom serve [--listen 127.0.0.1:8080] [--db …]`: the REST API, OpenAPI document and
//! web UI, until Ctrl-C or SIGTERM (requests in flight are finished first).

use anyhow::Context;

use crate::cmd::db::DbArgs;
use crate::output::{self, Status};

/// Arguments of `medsbom serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub listen: String,
    /// Mark session cookies `Secure` (when a TLS proxy serves the site over HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// The largest upload, in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_upload_mib: usize,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Serves until a shutdown signal.
pub fn run(args: &ServeArgs) -> anyhow::Result<Status> {
    let config = medsbom_server::Config {
        max_body_bytes: args.max_upload_mib.saturating_mul(1024 * 1024),
        secure_cookies: args.secure_cookies,
        ..medsbom_server::Config::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let location = args.db.location();
        let state = medsbom_server::AppState::open(&location, config).await?;
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener.local_addr()?;
        output::note(&format!(
            "serving {} on http://{address}/ (API docs at /api/docs/); Ctrl-C stops",
            state.db().store().name()
        ));
        let app = medsbom_server::router(state.clone());
        medsbom_server::serve(listener, app, shutdown_signal()).await?;
        state.close().await;
        output::note("stopped");
        anyhow::Ok(())
    })?;
    Ok(Status::Success)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
