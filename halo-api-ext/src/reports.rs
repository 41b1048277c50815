//! Report previews: a report's SQL run without saving it.

use crate::client::HaloClient;
use halo_api::{HaloError, wire};
use serde_json::Value;

impl HaloClient {
    /// Runs a report's SQL without saving it ("preview report", through
    /// the generated `post_report`) and answers its rows; Halo's
    /// `load_error` is [`HaloError::Report`]. (Feature `reports`.)
    ///
    /// # Errors
    /// `Report` with Halo's `load_error` when the SQL fails; what Halo answers, as [`HaloError`].
    #[cfg(feature = "reports")]
    pub async fn preview_report(&self, sql: &str) -> Result<Vec<serde_json::Map<String, Value>>, HaloError> {
        let preview = halo_api::types::AnalyzerProfile {
            id: Some(0),
            name: Some(String::new()),
            sql: Some(sql.to_string()),
            loadreportonly: Some(true),
            testonly: Some(false),
            ..Default::default()
        };
        use halo_api::Operation as _;
        let op = self.raw().post_report().body(vec![preview]);
        let id = <halo_api::builder::PostReport<'_> as halo_api::Operation>::ID;
        let answer = op.exchange().await?;
        let reports = wire::decode::<crate::records::OneOrMany<halo_api::types::AnalyzerProfile>>(id, &answer.body)?.0;
        let report = reports.into_iter().next().and_then(|r| r.report).unwrap_or_default();
        if let Some(err) = report.load_error.filter(|e| !e.trim().is_empty()) {
            return Err(HaloError::Report(err));
        }
        Ok(report.rows.unwrap_or_default())
    }
}
