//! The GitHub App's credentials as the running server holds them: present from the start (environment or data
//! directory), or empty until `/setup` fills the slot — then webhooks are taken and the workers start, with no
//! restart. The slot is filled at most once; `/setup` holds [`AppSlot::setup_lock`] while it creates an app so
//! that two flows finishing together cannot both install one.

use std::sync::Arc;

use tokio::sync::{Mutex, watch};

use crate::serve_config::AppCredentials;

#[derive(Clone)]
pub struct AppSlot {
    app: Arc<watch::Sender<Option<Arc<AppCredentials>>>>,
    setup: Arc<Mutex<()>>,
}

impl AppSlot {
    pub fn new(app: Option<AppCredentials>) -> AppSlot {
        AppSlot {
            app: Arc::new(watch::channel(app.map(Arc::new)).0),
            setup: Arc::new(Mutex::new(())),
        }
    }

    /// The credentials in use, if any.
    pub fn current(&self) -> Option<Arc<AppCredentials>> {
        self.app.borrow().clone()
    }

    /// Fills an empty slot; false (and nothing changes) when it already holds an app.
    pub fn install(&self, app: AppCredentials) -> bool {
        let app = Arc::new(app);
        self.app.send_if_modified(|slot| {
            if slot.is_some() {
                return false;
            }
            *slot = Some(app);
            true
        })
    }

    /// Waits until the slot holds an app.
    pub async fn wait(&self) -> Arc<AppCredentials> {
        let mut receiver = self.app.subscribe();
        loop {
            if let Some(app) = receiver.borrow_and_update().clone() {
                return app;
            }
            // The sender lives in `self`, so the channel cannot close while this waits.
            if receiver.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Held by `/setup` from the check that no app exists to the installation of the new one.
    pub async fn setup_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.setup.lock().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve_config::{PrivateKeySource, WebhookSecrets};
    use secrecy::SecretString;

    fn app(id: u64) -> AppCredentials {
        AppCredentials {
            app_id: id,
            private_key: PrivateKeySource::Pem(SecretString::from("pem".to_string())),
            webhook_secrets: WebhookSecrets::new(vec![SecretString::from("s".to_string())])
                .unwrap(),
        }
    }

    #[tokio::test]
    async fn the_slot_is_filled_once_and_wakes_the_waiter() {
        let slot = AppSlot::new(None);
        assert!(slot.current().is_none());
        let waiter = tokio::spawn({
            let slot = slot.clone();
            async move { slot.wait().await.app_id }
        });
        assert!(slot.install(app(5)));
        assert_eq!(waiter.await.unwrap(), 5);
        assert!(
            !slot.install(app(6)),
            "a second app does not replace the first"
        );
        assert_eq!(slot.current().unwrap().app_id, 5);
        assert_eq!(AppSlot::new(Some(app(9))).wait().await.app_id, 9);
    }
}
