// expect: uncaught
const state = { step: 0 };
for (let i = 0; i < 3; i++) { state.step++; println('step', state.step); }
println('throwing a plain object');
throw { code: 42, reason: 'not an Error instance' };
