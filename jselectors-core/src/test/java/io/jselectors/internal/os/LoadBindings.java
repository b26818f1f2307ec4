package io.jselectors.internal.os;

import java.util.List;
import java.util.TreeSet;

/**
 * Run in a JVM of its own by {@link PlatformVariantsTest} with another profile's table forced
 * ({@code -Djselectors.internal.abi.profile=...}): loads and initialises every binding and prints what a
 * platform-dependent choice came out as, and every symbol looked up.
 */
public final class LoadBindings {
    private LoadBindings() {}

    public static void main(String[] args) throws Exception {
        List<String> classes = List.of("Native", "Errno", "Fcntl", "Unistd", "Poll", "Select", "Epoll", "EventFd", "Uio",
                "Sockets", "SockAddr", "Pty",
                "TimerFdSys", "InotifySys", "SignalSys", "PidFdSys", "PtySys", "SpawnSys");
        for (String c : classes) {
            Class.forName("io.jselectors.internal.os." + c, true, LoadBindings.class.getClassLoader());
        }
        Class.forName("io.jselectors.Selector", true, LoadBindings.class.getClassLoader());
        System.out.println("profile " + Abi.CURRENT.profile());
        System.out.println("epoll " + Epoll.isAvailable());
        System.out.println("eventfd " + EventFd.isAvailable());
        System.out.println("fds " + TimerFdSys.isAvailable() + " " + InotifySys.isAvailable() + " " + SignalSys.isAvailable()
                + " " + PidFdSys.isAvailable() + " " + PtySys.isAvailable());
        System.out.println("EAGAIN " + Errno.EAGAIN + " " + Errno.name(Errno.EAGAIN));
        System.out.println("SOCK_NONBLOCK " + Sockets.SOCK_NONBLOCK);
        System.out.println("msghdr " + Sockets.MSGHDR.byteSize() + " iovlen at " + Sockets.MSG_IOVLEN_OFFSET);
        System.out.println("timeval " + Select.TIMEVAL.byteSize());
        System.out.println("sockaddr_un " + SockAddr.UN_SIZE);
        System.out.println("kqueue facts " + Abi.KQUEUE.profile() + " " + Abi.KQUEUE.sizeOf("kevent"));
        System.out.println("looked up " + String.join(",", new TreeSet<>(Native.lookedUp())));
    }
}
