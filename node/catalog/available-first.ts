// Search results with the probes this kernel can attach first, in their ranked order, and
// the ones it cannot after them (in theirs): the usable tracepoint for "openat" comes before
// 48 kprobe/kfunc names on a kernel without kprobes. A stable partition. Pure.

/** `ids` reordered: those whose type `ok` says is available first; also how many those are. */
export function availableFirst(ids: ArrayLike<number>, typeOf: (id: number) => number, ok: (type: number) => boolean): { ids: Int32Array; available: number } {
  const out = new Int32Array(ids.length);
  let a = 0;
  for (let k = 0; k < ids.length; k++) if (ok(typeOf(ids[k]))) out[a++] = ids[k];
  let b = a;
  for (let k = 0; k < ids.length; k++) if (!ok(typeOf(ids[k]))) out[b++] = ids[k];
  return { ids: out, available: a };
}
