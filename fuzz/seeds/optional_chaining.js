const o = { a: { b: () => 1 } };
o?.a?.b?.(); o.x?.y.z; o.a?.["b"]?.(); delete o?.a; (o?.a).b; o ?? 1; o.q ??= 2; o.r ||= 3; o.s &&= 4;
