// The logger and the metrics emitter read their settings when first loaded, and the bench's
// own imports load them: these must be set before any other import, or every measured call
// prints its request log line and metrics into the report.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
