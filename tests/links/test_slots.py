"""The global slots (slots.py): the busiest host first, a cancelled waiter loses nothing."""

from __future__ import annotations

import asyncio

from seedlint.links.slots import Slots


def test_waiters_are_served_most_left_first_then_in_arrival_order() -> None:
    served: list[str] = []

    async def main() -> None:
        slots = Slots(1)
        await slots.acquire(0)  # held: everyone below waits

        async def take(name: str, left: int) -> None:
            await slots.acquire(left)
            served.append(name)
            slots.release()

        tasks = [
            asyncio.create_task(take(name, left))
            for name, left in (("a", 1), ("b", 5), ("c", 3), ("d", 5))
        ]
        await asyncio.sleep(0)
        assert slots.waiting == 4
        slots.release()
        await asyncio.gather(*tasks)
        assert slots.waiting == 0

    asyncio.run(main())
    assert served == ["b", "d", "c", "a"]


def test_a_cancelled_waiter_passes_its_slot_on() -> None:
    async def main() -> list[str]:
        slots = Slots(1)
        await slots.acquire(0)
        order: list[str] = []

        async def take(name: str, left: int) -> None:
            await slots.acquire(left)
            order.append(name)

        first = asyncio.create_task(take("first", 9))
        second = asyncio.create_task(take("second", 1))
        await asyncio.sleep(0)
        first.cancel()  # cancelled while waiting: never served
        await asyncio.sleep(0)
        slots.release()
        await asyncio.wait_for(second, 1)
        # The one slot is with "second" now: nothing is free.
        third = asyncio.create_task(take("third", 1))
        await asyncio.sleep(0.01)
        assert not third.done()
        slots.release()
        await asyncio.wait_for(third, 1)
        return order

    assert asyncio.run(main()) == ["second", "third"]


def test_a_waiter_cancelled_just_as_it_is_served_hands_the_slot_on() -> None:
    async def main() -> list[str]:
        slots = Slots(1)
        await slots.acquire(0)
        order: list[str] = []

        async def take(name: str, left: int) -> None:
            await slots.acquire(left)
            order.append(name)

        first = asyncio.create_task(take("first", 9))
        second = asyncio.create_task(take("second", 1))
        await asyncio.sleep(0)
        slots.release()  # "first" is handed the slot ...
        first.cancel()  # ... and cancelled before it runs again
        await asyncio.wait_for(second, 1)
        assert first.cancelled()
        return order

    assert asyncio.run(main()) == ["second"]
