//! Attachments from and to files: `halo.attach_file(ticket_id, path)` and
//! `halo.download_attachment(id, path)`, over the generated `post_attachment`
//! and `get_attachment_by_id`.
//!
//! Halo carries attachments as base64 in JSON (`data_base64`). Uploads are
//! refused before anything is sent when the file is over
//! [`ATTACH_LIMIT_BYTES`] (20 MiB: Halo publishes no limit; base64 makes the
//! request a third larger). A download is written to a temporary file
//! beside the target (created exclusively, with an unpredictable name) and
//! moved to the target once complete: an interrupted download never leaves
//! a half-written file under the final name.
//!
//! A file name from Halo comes from whoever uploaded or e-mailed the file.
//! So it is reduced to a safe name ([`safe_file_name`]: no path, no leading
//! dot, no reserved device name, no control or reserved character), and a
//! download under Halo's name never replaces an existing file unless asked
//! (`replace`; the CLI's `--force`). A file the caller named is replaced:
//! naming it is asking for it.
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
    HaloError::Io { what: what.into(), path: path.into(), source: e }
}

impl HaloClient {
    /// POST /Attachment/image (multipart, not generated): uploads a file and
    /// answers Halo's JSON. `query` carries Halo's parameters, e.g.
    /// `ticket_id`. Not retried on failure (a multipart body is sent once).
    ///
    /// # Errors
    /// `InvalidRequest` for a content type that does not parse; what Halo answers, as [`HaloError`].
    pub async fn upload_attachment_image(
        &self,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
        query: &[(String, String)],
    ) -> Result<Value, HaloError> {
        let part = reqwest::multipart::Part::bytes(data)
            .file_name(file_name.to_string())
            .mime_str(content_type)
            .map_err(|e| HaloError::InvalidRequest(format!("content type `{content_type}`: {e}")))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let req = self
            .http()
            .post(self.url("/Attachment/image", query)?)
            .multipart(form)
            .build()
            .map_err(|e| HaloError::InvalidRequest(format!("post_attachment_image: {e}")))?;
        // Not a generated operation (halo-patches' multipart_operations
        // leaves it out): its name, as the generated one's would be.
        const OP: &str = "post_attachment_image";
        let answer = self.exchange(req, OP).await?;
        crate::client::json_or_null(OP, &answer.body)
    }

    /// Uploads a file to a ticket: its name and content type from the path,
    /// its bytes as base64. Answers the attachment Halo saved.
    ///
    /// # Errors
    /// `Io` when the file cannot be read, `InvalidRequest` when it is not a file, too large or has no UTF-8 name (nothing sent); what Halo answers, as [`HaloError`].
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
        let ticket_id = crate::records::ticket_id("attach_file", ticket_id)?;
        let record = crate::Attachment {
            ticket_id: Some(ticket_id),
            filename: Some(filename.to_string()),
            content_type: Some(mime_guess::from_path(path).first_or_octet_stream().essence_str().to_string()),
            data_base64: Some(base64::engine::general_purpose::STANDARD.encode(&data)),
            ..Default::default()
        };
        let id = <<halo_api::resources::Attachments as halo_api::Resource>::Post<'_> as halo_api::Operation>::ID;
        crate::records::one_saved(self.upsert_attachments(record).await?, id, "attachment")
    }

    /// Saves attachment `id` to `path`: a file (replaced if it exists: the
    /// caller named it), or a directory to put it in under Halo's file name
    /// made safe (`None`: the current directory). Under Halo's name an
    /// existing file is replaced only with `replace`; otherwise the call is
    /// [`HaloError::InvalidRequest`] naming the file, and nothing is written.
    /// Answers the path written.
    ///
    /// # Errors
    /// `NotFound` for no such attachment; `InvalidRequest` when the target exists and `replace` is false (nothing written); `Io` when writing fails.
    pub async fn download_attachment(&self, id: i64, path: Option<&Path>, replace: bool) -> Result<PathBuf, HaloError> {
        const OP: &str = <<halo_api::resources::Attachments as halo_api::Resource>::Get<'_> as halo_api::Operation>::ID;
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
        let safe = safe_file_name(name.as_deref().unwrap_or(""), id);
        let (target, named) = match path {
            Some(p) if p.is_dir() => (p.join(&safe), false),
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(&safe), false),
        };
        let written = write_file(&target, &bytes, named || replace).await;
        match written {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(HaloError::InvalidRequest(format!(
                "download_attachment: {} exists (Halo's name for attachment {id}); not replaced: name the file \
                 to write, or pass replace (the CLI's --force)",
                target.display()
            ))),
            Err(e) => Err(io("download_attachment: writing", &target, e)),
            Ok(()) => Ok(target),
        }
    }
}

/// Halo's file name for an attachment, made safe to create in a directory:
/// its last component (after `/` or `\`), without control characters or
/// characters Windows reserves (`<>:"|?*`), without leading dots (no hidden
/// or dot file: `.bashrc` becomes `bashrc`) or trailing dots and spaces, at
/// most 200 bytes, and never a device name Windows reserves (`CON`, `NUL`,
/// `COM1`, ... with any extension). Empty after that: `attachment-<id>`.
pub fn safe_file_name(halo_name: &str, id: i64) -> String {
    let last = halo_name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')).collect();
    let mut name = cleaned.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']).to_string();
    while name.len() > 200 {
        name.pop();
    }
    let stem = name.split('.').next().unwrap_or("").trim_end().to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if name.is_empty() {
        format!("attachment-{id}")
    } else if reserved {
        format!("attachment-{id}-{name}")
    } else {
        name
    }
}

/// Writes `bytes` to a temporary file beside `target`, then renames it over
/// `target`: a reader sees the old file or the new one, never part of one
/// (on failure the temporary file is removed); or with `replace` false, fails with
/// [`std::io::ErrorKind::AlreadyExists`] when `target` exists (checked
/// atomically: the complete file is hard-linked to the name, which fails if
/// the name is taken, where the file system links; else checked, then
/// renamed). The temporary file is created exclusively
/// (`create_new`, `.NAME.RANDOM.part`, readable by its owner only on Unix),
/// so no one can place or predict it.
pub(crate) async fn write_file(target: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let (tmp, mut f) = loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(target.file_name().unwrap_or_default());
        tmp_name.push(format!(".{:016x}.part", fastrand::u64(..)));
        let tmp = dir.join(tmp_name);
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        match options.open(&tmp).await {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let result = async {
        use tokio::io::AsyncWriteExt as _;
        f.write_all(bytes).await?;
        f.sync_all().await?;
        drop(f);
        if replace {
            return tokio::fs::rename(&tmp, target).await;
        }
        match tokio::fs::hard_link(&tmp, target).await {
            Ok(()) => tokio::fs::remove_file(&tmp).await,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            Err(_) if tokio::fs::try_exists(target).await.unwrap_or(true) => {
                Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists"))
            }
            Err(_) => tokio::fs::rename(&tmp, target).await,
        }
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_halo_are_made_safe() {
        for (from, to) in [
            ("invoice.pdf", "invoice.pdf"),
            (".bashrc", "bashrc"),
            ("../../etc/passwd", "passwd"),
            ("..\\..\\Windows\\win.ini", "win.ini"),
            ("/abs/path/report.csv", "report.csv"),
            ("...", "attachment-7"),
            ("", "attachment-7"),
            ("..", "attachment-7"),
            ("CON", "attachment-7-CON"),
            ("nul.txt", "attachment-7-nul.txt"),
            ("com1.log", "attachment-7-com1.log"),
            ("company.txt", "company.txt"),
            ("a<b>c:d\"e|f?g*h.txt", "abcdefgh.txt"),
            ("bell\u{7}\nname.txt", "bellname.txt"),
            ("trailing. . ", "trailing"),
        ] {
            assert_eq!(safe_file_name(from, 7), to, "{from:?}");
        }
        assert!(safe_file_name(&"é".repeat(300), 7).len() <= 200);
    }
}
