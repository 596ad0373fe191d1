let x = 1; x **= 2; x <<= 1; x >>>= 0; x = x ? typeof x : void 0;
var y = (1, 2), z = !x && ~y | 3 ^ 4 & 5; 'a' in {}; [] instanceof Array; 2 ** -1; -(-0); 0x1f + 0o7 + 0b1 + 1e3;
