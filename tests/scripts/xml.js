// XML: parse, walk, change, write back (compact and indented), Data in and out, bad input.
var soap = '<?xml version="1.0"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><m:GetPrice xmlns:m="https://example.com/prices"><m:Item>Apples &amp; pears</m:Item><m:Qty unit="kg">2</m:Qty></m:GetPrice></soap:Body></soap:Envelope>'
var doc = XML.parse(soap)
var env = doc.children[0]
println(JSON.stringify(doc.name), env.name, JSON.stringify(env.attributes), env instanceof XML.Node)
var call = env.children[0].children[0]
println(call.name, call.children.map(c => c.name + '=' + c.children[0] + (c.attributes ? ' ' + JSON.stringify(c.attributes) : '')).join(', '))
call.children.push(new XML.Node('m:Note', null, ['< 5 days']))
println(XML.stringify(doc))
print(XML.stringify(XML.parse('<a><b x="1"/>text<c>y</c></a>'), 2))
var data = XML.encode(XML.parse('<r><i>1</i></r>'))
println(data instanceof Data, data.toString(), XML.decode(data).children[0].children[0].children[0])
println(XML.parse('<a><b></a>'), XML.parse('not xml'), XML.stringify({ children: [] }) === '')
