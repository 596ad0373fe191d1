// 09: a gateway that checks who is calling before anything reaches the service behind it: an IP
// allowlist (Netmask), bearer tokens (crypto.JWT), admin-only paths, and a request counter by
// status (stats) served on the admin port.
var config = JSON.decode(pipy.load('config.json'))
var allowed = config.allow.map(cidr => new Netmask(cidr))
var requests = new stats.Counter('gateway_requests_total', ['status'])

var reply = (status, text) => new Message({ status, headers: { 'content-type': 'text/plain' } }, text + '\n')

// null lets the request through (marking who sent it); a Message is the answer instead.
var check = head => {
  var ip = __inbound.remoteAddress
  if (!allowed.some(block => block.contains(ip))) return reply(403, `${ip} is not allowed`)
  var auth = head.headers.authorization || ''
  if (!auth.startsWith('Bearer ')) return reply(401, 'a bearer token is required')
  var jwt = new crypto.JWT(auth.substring(7))
  if (!jwt.isValid || !jwt.verify(config.secret)) return reply(401, 'invalid token')
  if (head.path.startsWith('/admin/') && !jwt.payload.admin) return reply(403, `${jwt.payload.sub} is not an admin`)
  head.headers['x-user'] = jwt.payload.sub
  return null
}

pipy({ _answer: null })

// The service behind the gateway: says who it thinks is asking.
.listen(8080)
.serveHTTP(msg => new Message(`${msg.head.path} for ${msg.head.headers['x-user']}\n`))

.listen(8000)
.demuxHTTP().to($=>$
  .handleMessageStart(msg => _answer = check(msg.head))
  .branch(
    () => _answer, $=>$.replaceMessage(() => _answer),
    $=>$.muxHTTP().to($=>$.connect(config.upstream))
  )
  .handleMessageStart(msg => requests.withLabels(String(msg.head.status || 200)).increase())
)
