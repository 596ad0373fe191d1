//! Status codes: the reason-phrase table the encoder falls back on, and the mapping from
//! `StreamEnd` error codes to the response Pipy synthesises when an upstream fails before
//! answering (`ResponseHead::error_to_status` in `src/api/http.cpp`).

/// The IANA reason phrase for `status`, as in Pipy's table (`src/filters/http.cpp`). Codes Pipy
/// leaves unnamed (209–225, 306, 418–420, 427, 432–450, …) give `None`; so do codes outside
/// 100–599.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        430 => "Unassigned",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        509 => "Unassigned",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// The phrase the encoder writes when a head has no status text: the table's, else `OK`
/// (Pipy writes `OK` for any code it cannot name).
pub fn default_reason(status: u16) -> &'static str {
    reason_phrase(status).unwrap_or("OK")
}

/// Status and status text of the response synthesised for a `StreamEnd` error `code` (the
/// names of Pipy's `StreamEnd::Error` enum) that arrives before any response head.
pub fn error_to_status(code: &str) -> (u16, &'static str) {
    match code {
        "CannotResolve" => (502, "Cannot Resolve"),
        "ConnectionRefused" => (502, "Connection Refused"),
        "Unauthorized" => (401, "Unauthorized"),
        "ReadError" => (502, "Read Error"),
        "WriteError" => (502, "Write Error"),
        "ConnectionTimeout" | "ReadTimeout" | "WriteTimeout" | "IdleTimeout" => (504, "Gateway Timeout"),
        _ => (502, "Bad Gateway"),
    }
}

/// The head Pipy's response decoder synthesises for a `StreamEnd` error `code` that arrives
/// before any response head: `HTTP/1.1`, the mapped status and text, no headers.
pub fn error_response_head(code: &str) -> super::ResponseHead {
    let (status, text) = error_to_status(code);
    super::ResponseHead { protocol: "HTTP/1.1".to_string(), status, status_text: text.to_string(), headers: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(default_reason(200), "OK");
        assert_eq!(default_reason(404), "Not Found");
        assert_eq!(default_reason(431), "Request Header Fields Too Large");
        assert_eq!(default_reason(418), "OK");
        assert_eq!(default_reason(226), "IM Used");
        assert_eq!(default_reason(306), "OK");
        assert_eq!(default_reason(999), "OK");
        assert_eq!(default_reason(0), "OK");
    }

    #[test]
    fn stream_end_errors() {
        assert_eq!(error_to_status("ConnectionRefused"), (502, "Connection Refused"));
        assert_eq!(error_to_status("IdleTimeout"), (504, "Gateway Timeout"));
        assert_eq!(error_to_status("Unauthorized"), (401, "Unauthorized"));
        assert_eq!(error_to_status("ConnectionReset"), (502, "Bad Gateway"));
        let head = error_response_head("ConnectionRefused");
        assert_eq!((head.status, head.status_text.as_str()), (502, "Connection Refused"));
    }
}
