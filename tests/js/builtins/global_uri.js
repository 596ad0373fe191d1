const s = 'a b&c=d/e?f#g;h,i+j@k:l$m';
println('encodeURIComponent', encodeURIComponent(s));
println('encodeURI', encodeURI(s));
println('unreserved', encodeURIComponent("-_.!~*'()"), encodeURI("-_.!~*'()"));
println('non-ascii', encodeURIComponent('é'), encodeURIComponent('中'), encodeURIComponent('😀'));
println('decode', decodeURIComponent('%C3%A9%20%E4%B8%AD'), decodeURIComponent('%F0%9F%98%80') === '😀');
println('decodeURI keeps reserved', decodeURI('%2F%3F%23%20%41'), decodeURIComponent('%2F%3F%23'));
println('roundtrip', decodeURIComponent(encodeURIComponent(s)) === s);
println('query', ['x=1', 'name=J Doe'].map((p) => p.split('=').map(encodeURIComponent).join('=')).join('&'));
println('lowercase hex decode', decodeURIComponent('%c3%a9'));
for (const bad of ['%', '%G1', '%C3', '%FF', '%E4%B8']) {
  try { decodeURIComponent(bad); println('accepted', bad); } catch (e) { println('malformed', bad, e instanceof URIError, e.name); }
}
try { encodeURIComponent('\ud800'); } catch (e) { println('lone surrogate', e.name); }
println('plus not decoded', decodeURIComponent('a+b'));
println('encodeURI hash', encodeURI('http://x.com/a b?q=1#frag ment'));
