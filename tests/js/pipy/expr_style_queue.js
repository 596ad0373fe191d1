((
  queue, processed, enqueue, process,
) => (
  queue = [],
  processed = [],
  enqueue = (job) => queue.push(job),
  process = () => repeat(() => branch(
    queue.length === 0, () => processed.length,
    () => ((job) => (
      processed.push(job.name),
      job.children && repeat(job.children, enqueue),
      undefined
    ))(queue.shift())
  )),
  enqueue({ name: 'root', children: [{ name: 'c1', children: [{ name: 'g1' }] }, { name: 'c2' }] }),
  enqueue({ name: 'other' }),
  println('processed count', process()),
  println('order', processed.join(' '))
))();
