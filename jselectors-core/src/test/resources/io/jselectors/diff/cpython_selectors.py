"""Runs jselectors' differential-test scripts through CPython's own selectors module.

Usage: python3 cpython_selectors.py BACKEND BASE ROWS
  BACKEND  epoll | poll | select: which of CPython's selector classes runs the scripts
  BASE     script number i is the fd BASE + i
  ROWS     comma-separated ids of io.jselectors.diff.Divergences rows that adapt CPython to the
           contract here (see that table for what each one does and why); "-" for none

Reads one script per line from stdin and writes one line of results per script, tab-separated, one
field per operation, then a last field "#" followed by the ids of the rows that acted. The script
language and the result format are those of io.jselectors.diff.Script and OurRunner.
"""
import errno
import os
import selectors
import socket
import sys

CLASSES = {"epoll": "EpollSelector", "poll": "PollSelector", "select": "SelectSelector"}


class Obj:
    """A selectable object: fileno() is its number until it is closed, then -1."""

    def __init__(self, serial, fd):
        self.serial = serial
        self.fd = fd

    def fileno(self):
        return self.fd


def err(e):
    if isinstance(e, OSError) and e.errno is not None:
        return "err os:" + errno.errorcode.get(e.errno, str(e.errno))
    if isinstance(e, ValueError):
        return "err value"
    if isinstance(e, RuntimeError):
        return "err closed"
    return "err py:" + type(e).__name__


class Run:
    def __init__(self, backend, base, rows):
        self.cls = getattr(selectors, CLASSES[backend])
        self.backend = backend
        self.base = base
        self.rows = rows
        self.fired = []

    def fire(self, row):
        self.fired.append(row)

    def key(self, k):
        fo = "i" if isinstance(k.fileobj, int) else "o%d" % k.fileobj.serial
        data = "-" if k.data is None else str(k.data)
        return "%s|%d|%d|%s" % (fo, k.fd - self.base, k.events, data)

    def select_modify(self, sel, t, ev, d):
        """SelectSelector.modify as CPython's poll and epoll do it: the key is replaced, not re-registered."""
        try:
            key = sel._fd_to_key[sel._fileobj_lookup(t)]
        except KeyError:
            raise KeyError("not registered") from None
        fileno = t if isinstance(t, int) else t.fileno()
        if ev == key.events or (t is key.fileobj and fileno >= 0):
            return sel.modify(t, ev, d)  # CPython's own answer is the contract's here
        self.fire("select-modify")
        sel._readers.discard(key.fd)
        sel._writers.discard(key.fd)
        if ev & selectors.EVENT_READ:
            sel._readers.add(key.fd)
        if ev & selectors.EVENT_WRITE:
            sel._writers.add(key.fd)
        key = key._replace(events=ev, data=d)
        sel._fd_to_key[key.fd] = key
        return key

    def run(self, line):
        self.fired = []
        sel = self.cls()
        closed_sel = False
        objs = {}  # number -> its current Obj
        serial = [0]
        out = []

        def fd(i):
            return self.base + int(i)

        def new_obj(i):
            old = objs.get(i)
            if old is not None:
                old.fd = -1  # its number now names another file
            serial[0] += 1
            objs[i] = Obj(serial[0], fd(i))

        def place(i, real):
            """Moves a new descriptor to number i (closing what was there)."""
            os.dup2(real, fd(i))
            os.close(real)
            new_obj(i)

        def target(kind, i):
            if kind == "F":
                return fd(i)
            return objs[i] if i in objs else Obj(0, -1)  # never had a file: a closed object

        def data(d):
            return None if d == "-" else int(d)

        for op in line.split(";") if line else []:
            a = op.split()
            c = a[0]
            try:
                if c == "P":
                    r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
                    place(int(a[1]), r)
                    place(int(a[2]), w)
                    out.append("ok")
                elif c == "S":
                    s1, s2 = socket.socketpair()
                    r, w = s1.detach(), s2.detach()
                    os.set_blocking(r, False)
                    os.set_blocking(w, False)
                    place(int(a[1]), r)
                    place(int(a[2]), w)
                    out.append("ok")
                elif c == "W":
                    out.append("ok %d" % os.write(fd(a[1]), b"x" * int(a[2])))
                elif c == "R":
                    out.append("ok %d" % len(os.read(fd(a[1]), int(a[2]))))
                elif c == "C":
                    os.close(fd(a[1]))
                    if int(a[1]) in objs:
                        objs[int(a[1])].fd = -1
                    out.append("ok")
                elif c == "D":
                    os.dup2(fd(a[1]), fd(a[2]))
                    new_obj(int(a[2]))
                    out.append("ok")
                elif closed_sel and c != "X" and "after-close" in self.rows:
                    self.fire("after-close")
                    out.append("err closed")
                elif c in ("RF", "RO"):
                    ev = int(a[2])
                    if (self.backend in ("poll", "select") and "closed-fd-register" in self.rows
                            and 0 < ev <= 3 and (c == "RF" or target(c[1], int(a[1])).fd >= 0)):
                        try:
                            os.fstat(fd(a[1]))
                        except OSError:
                            if fd(a[1]) not in sel.get_map():
                                self.fire("closed-fd-register")
                                raise
                    out.append("ok " + self.key(sel.register(target(c[1], int(a[1])), ev, data(a[3]))))
                elif c in ("UF", "UO"):
                    out.append("ok " + self.key(sel.unregister(target(c[1], int(a[1])))))
                elif c in ("MF", "MO"):
                    ev = int(a[2])
                    if (not ev or ev & ~3) and "modify-events" in self.rows:
                        self.fire("modify-events")
                        raise ValueError("invalid events")
                    t = target(c[1], int(a[1]))
                    if self.backend == "select" and "select-modify" in self.rows:
                        key = self.select_modify(sel, t, ev, data(a[3]))
                    else:
                        key = sel.modify(t, ev, data(a[3]))
                    out.append("ok " + self.key(key))
                elif c in ("GF", "GO"):
                    out.append("ok " + self.key(sel.get_key(target(c[1], int(a[1])))))
                elif c == "M":
                    m = sel.get_map()
                    out.append("ok [" + ",".join(sorted(self.key(k) for k in m.values())) + "]")
                elif c == "T":
                    try:
                        ready = sel.select(int(a[1]) / 1000.0)
                    except OSError as e:
                        if e.errno == errno.EBADF and self.backend == "select" and "select-ebadf" in self.rows:
                            self.fire("select-ebadf")
                            out.append("ebadf")
                            continue
                        raise
                    out.append("ok [" + ",".join(sorted("%s:%d" % (self.key(k), e) for k, e in ready)) + "]")
                elif c == "X":
                    sel.close()
                    closed_sel = True
                    out.append("ok")
                else:
                    out.append("err py:unknown-op-" + c)
            except KeyError as e:
                out.append("err already" if c in ("RF", "RO") else "err notreg")
            except Exception as e:
                out.append(err(e))
        sel.close()
        for i in range(64):
            try:
                os.close(self.base + i)
            except OSError:
                pass
        out.append("#" + ",".join(self.fired))
        return "\t".join(out)


def main():
    backend, base, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    run = Run(backend, base, rows)
    for line in sys.stdin:
        line = line.rstrip("\n")
        sys.stdout.write(run.run(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
