//! Attachments from and to files: `halo.attach_file(ticket_id, path)` and
//! `halo.download_attachment(id, path)`, over the generated `post_attachment`
//! and `get_attachment_by_id`.
//!
//! Halo carries attachments as base64 in JSON (`data_base64`). Uploads are
//! refused before anything is sent when the file is over
//! [`ATTACH_LIMIT_BYTES`] (20 MiB: Halo publishes no limit; base64 makes the
//! request a third larger). A download is written to a temporary file
//! beside the target and renamed over it once complete: an interrupted
//! download never leaves a half-written file under the final name.
//! `GET /Attachment/{id}` is documented as the JSON record; instances are
//! also reported to answer the file's bytes: both are read.

use crate::client::HaloClient;
use base64::Engine as _;
use halo_api::{HaloError, Operation as _};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The largest file [`HaloClient::attach_file`] sends.
pub const ATTACH_LIMIT_BYTES: u64 = 20 << 20;

fn io(what: &str, path: &Path, e: std::io::Error) -> HaloError {
    HaloError::InvalidRequest(format!("{what} {}: {e}", path.display()))
}

impl HaloClient {
    /// Uploads a file to a ticket: its name and content type from the path,
    /// its bytes as base64. Answers the attachment Halo saved.
    pub async fn attach_file(&self, ticket_id: i64, path: impl AsRef<Path>) -> Result<crate::Attachment, HaloError> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| io("attach_file: reading", path, e))?;
        if !meta.is_file() {
            return Err(HaloError::InvalidRequest(format!("attach_file: {} is not a file", path.display())));
        }
        if meta.len() > ATTACH_LIMIT_BYTES {
            return Err(HaloError::InvalidRequest(format!(
                "attach_file: {} is {} bytes, over the {} bytes halo-rs sends (ATTACH_LIMIT_BYTES)",
                path.display(),
                meta.len(),
                ATTACH_LIMIT_BYTES
            )));
        }
        let data = tokio::fs::read(path).await.map_err(|e| io("attach_file: reading", path, e))?;
        let filename = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            HaloError::InvalidRequest(format!("attach_file: {} has no UTF-8 file name", path.display()))
        })?;
        let ticket_id = crate::resources::ticket_id("attach_file", ticket_id)?;
        let record = crate::Attachment {
            ticket_id: Some(ticket_id),
            filename: Some(filename.to_string()),
            content_type: Some(mime_guess::from_path(path).first_or_octet_stream().essence_str().to_string()),
            data_base64: Some(base64::engine::general_purpose::STANDARD.encode(&data)),
            ..Default::default()
        };
        crate::resources::one_saved(self.upsert_attachments(record).await?, "post_attachment", "attachment")
    }

    /// Saves attachment `id` to `path` (a file, or a directory to put it in
    /// under Halo's file name; `None`: the current directory). Answers the
    /// path written.
    pub async fn download_attachment(&self, id: i64, path: Option<&Path>) -> Result<PathBuf, HaloError> {
        const OP: &str = "get_attachment_by_id";
        let answer = self.raw().get_attachment_by_id().id(id).exchange().await?;
        // The record: a JSON content type, or (no or another type) a JSON
        // object with `data_base64`. Anything else is the file itself.
        let declared_json = answer
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        let looks_like_record = answer.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
            && serde_json::from_slice::<Value>(&answer.body).is_ok_and(|v| v.get("data_base64").is_some());
        let (name, bytes) = if declared_json || looks_like_record {
            let record: Value = halo_api::wire::decode(OP, &answer.body)?;
            let name = record.get("filename").and_then(Value::as_str).map(str::to_string);
            let data = record.get("data_base64").and_then(Value::as_str).ok_or_else(|| HaloError::Decode {
                operation: OP.into(),
                path: "data_base64".into(),
                message: "the attachment record carries no data_base64".into(),
            })?;
            let bytes =
                base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|e| HaloError::Decode {
                    operation: OP.into(),
                    path: "data_base64".into(),
                    message: format!("not base64: {e}"),
                })?;
            (name, bytes)
        } else {
            let name = answer
                .headers
                .get(reqwest::header::CONTENT_DISPOSITION)
                .and_then(|v| v.to_str().ok())
                .and_then(|d| d.split(';').find_map(|p| p.trim().strip_prefix("filename=")))
                .map(|n| n.trim_matches('"').to_string());
            (name, answer.body.to_vec())
        };
        // Only the last component of Halo's name: never a path it chose.
        let safe = name
            .as_deref()
            .and_then(|n| Path::new(n).file_name())
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| format!("attachment-{id}").into());
        let target = match path {
            Some(p) if p.is_dir() => p.join(&safe),
            Some(p) => p.to_path_buf(),
            None => PathBuf::from(&safe),
        };
        write_atomically(&target, &bytes).await.map_err(|e| io("download_attachment: writing", &target, e))?;
        Ok(target)
    }
}

/// Writes `bytes` to a temporary file beside `target`, syncs it, then
/// renames it over `target`: a reader sees the old file or the new one,
/// never part of one. On failure the temporary file is removed. What
/// `download_attachment` writes with (and `halo watch --cursor`).
pub async fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(target.file_name().unwrap_or_default());
    tmp_name.push(format!(".{}.part", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = async {
        use tokio::io::AsyncWriteExt as _;
        let mut f = tokio::fs::File::create(&tmp).await?;
        f.write_all(bytes).await?;
        f.sync_all().await?;
        drop(f);
        tokio::fs::rename(&tmp, target).await
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}
