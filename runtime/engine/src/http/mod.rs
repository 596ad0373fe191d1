//! HTTP as scripts see it: message heads and tails as script objects and back (`js`), and HTTP/2
//! on the pipeline (`h2`). The HTTP/1 codec itself is `pipy_protocols::http1`.

pub mod h2;
pub mod js;
