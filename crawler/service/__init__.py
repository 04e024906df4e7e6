"""The scheduler service: every seed on its timetable, one crawl subprocess per run (docs/ARCHITECTURE.md).

``service`` runs the APScheduler 3 ``BlockingScheduler``; ``syncer`` turns seed files into jobs;
``jobs`` holds the job function at a stable import path; ``children`` starts and stops crawl processes;
``store`` keeps crawl history and control requests in ``<data>/scheduler.sqlite``; ``control`` is the
CLI's side of that file.
"""
