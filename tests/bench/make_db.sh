#!/bin/sh
# make_db.sh DB ROWS: the bench's fact store, ROWS generated rows in
# bench_rows (id 1..ROWS: a Chinese name, a region, a year, two numbers),
# made by SQLite itself from a recursive CTE, so no data file is kept.
set -e
db=${1:?usage: make_db.sh DB ROWS}
rows=${2:?usage: make_db.sh DB ROWS}
rm -f "$db.tmp"
sqlite3 "$db.tmp" <<SQL
CREATE TABLE bench_rows(id INTEGER PRIMARY KEY, name TEXT, region TEXT, year INTEGER,
                        amount REAL, share REAL);
WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < $rows)
INSERT INTO bench_rows
SELECT id,
       substr('赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张', id % 24 + 1, 1)
         || substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂', id * 7 % 22 + 1, 1)
         || substr('华国建文德志永海春晓红玉兰', id * 5 % 13 + 1, id % 3),
       substr('南宁柳州桂林梧州北海钦州玉林百色贺州河池来宾崇左', (id % 12) * 2 + 1, 2),
       2015 + id % 10,
       (id * 7919 % 1000003) / 100.0,
       (id * 104729 % 1000) / 10.0
FROM n;
CREATE TABLE bench_meta(rows INTEGER);
INSERT INTO bench_meta VALUES($rows);
SQL
mv "$db.tmp" "$db"
