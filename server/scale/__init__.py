"""The scaled-out shape's Redis building blocks: game leases with fencing epochs, the
cross-worker PIN and resume-token directory, shared rate limits and trainer sessions,
command forwarding to a game's owner, and the relay of its outputs to other workers.

Each module is one small typed block over `redis.asyncio`; none knows about sockets,
timers of games or the web edge. docs/scaling.md describes how the live layer uses them.
"""
