//! HTTP as scripts see it: message heads and tails as script objects and back (`js`). The
//! HTTP/1 codec itself is `pipy_protocols::http1`.

pub mod js;
