const r = /(?<y>\d{4})-(\d\d)/gu; '2024-01'.replace(r, '$<y>/$2');
/[a-z]+/i.test('ABC'); 'a.b'.split(/\./); /a/y.exec('a'); /\p{L}/u.source;
