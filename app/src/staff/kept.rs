//! What the staff area keeps in the store's settings as JSON (the PIN, its lock, what was
//! chosen last time): read and written by key, for the PIN gate and the shell alike.

use crate::platform::storage::SharedStore;

/// The value kept under `key`, if any; a value that cannot be read says so, naming the key.
pub async fn read<T: serde::de::DeserializeOwned>(store: &SharedStore, key: &str) -> Result<Option<T>, String> {
    match store.0.setting(key).await.map_err(|err| err.to_string())? {
        Some(json) => serde_json::from_str(&json).map(Some).map_err(|err| format!("{key} cannot be read: {err}")),
        None => Ok(None),
    }
}

/// Keeps `value` under `key`, replacing what was there.
pub async fn write<T: serde::Serialize>(store: &SharedStore, key: &str, value: &T) -> Result<(), String> {
    let json = serde_json::to_string(value).map_err(|err| err.to_string())?;
    store.0.put_setting(key, &json).await.map_err(|err| err.to_string())
}
