"""The Python peer: an echo server on the standard selectors module, one thread.

Usage: python3 echo_server.py PORT   (binds 127.0.0.1:PORT)
Unsent bytes wait in the connection's own buffer while the connection stops reading.
"""
import selectors
import socket
import sys


def main():
    port = int(sys.argv[1])
    sel = selectors.DefaultSelector()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(4096)
    server.setblocking(False)
    sel.register(server, selectors.EVENT_READ, None)
    print(f"listening on 127.0.0.1:{port} (Python selectors, {type(sel).__name__})", flush=True)

    def drop(conn):
        sel.unregister(conn)
        conn.close()

    while True:
        for key, events in sel.select():
            if key.data is None:
                while True:
                    try:
                        conn, _ = server.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sel.register(conn, selectors.EVENT_READ, b"")
                continue
            conn = key.fileobj
            pending = key.data
            try:
                if pending:
                    sent = conn.send(pending)
                    pending = pending[sent:]
                    if not pending:
                        sel.modify(conn, selectors.EVENT_READ, b"")
                    else:
                        sel.modify(conn, selectors.EVENT_WRITE, pending)
                    continue
                data = conn.recv(65536)
                if not data:
                    drop(conn)
                    continue
                try:
                    sent = conn.send(data)
                except BlockingIOError:
                    sent = 0
                if sent < len(data):
                    sel.modify(conn, selectors.EVENT_WRITE, data[sent:])
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                drop(conn)


if __name__ == "__main__":
    main()
