//! Korrigo Station's desktop shell: a window over `korrigo_app::Station`. Commands are
//! one line of glue each (`commands`), page images come through the `kpage` scheme
//! (`protocol`), job progress goes to the window as `job` events and each round of the
//! background sync as a `sync` event.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod protocol;

use korrigo_app::{Events, JobEvent, Station, SyncEvent};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// Forwards job progress to the window.
struct WindowEvents(tauri::AppHandle);

impl Events for WindowEvents {
    fn job(&self, event: &JobEvent) {
        if let Err(e) = self.0.emit("job", event) {
            log::warn!("job event not delivered: {e}");
        }
    }
    fn sync(&self, event: &SyncEvent) {
        if let Err(e) = self.0.emit("sync", event) {
            log::warn!("sync event not delivered: {e}");
        }
    }
}

fn data_dir() -> Result<PathBuf, korrigo_core::Error> {
    match std::env::var_os("KORRIGO_DATA_DIR") {
        Some(d) => Ok(PathBuf::from(d)),
        None => korrigo_app::default_data_dir(),
    }
}

fn main() {
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _, _| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_log::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::new().build())
        .register_asynchronous_uri_scheme_protocol("kpage", protocol::serve)
        .setup(|app| {
            let events = Arc::new(WindowEvents(app.handle().clone()));
            let station = Station::open(&data_dir()?, None, events)?;
            if let Err(e) = station.resume_sync() {
                log::info!("no background sync: {}", e.message);
            }
            app.manage(Arc::new(station));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("the window could not start");
}
