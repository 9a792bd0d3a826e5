# Plots of docs/PERFORMANCE.md, from the data files scripts/perf-report.sh
# writes. Called as: gnuplot -e "data='docs/perf'; outdir='docs'" this file
set terminal pngcairo size 1200,640 font ",10" noenhanced
set grid ytics
set key outside top center horizontal

set output outdir.'/perf-boot.png'
set title 'Hardware-domain boot: instructions per function vs N (3 memory BARs each, callgrind)'
set logscale x 2
set xlabel 'functions (N)'
set ylabel 'instructions per function'
set yrange [0:*]
plot data.'/scale.tsv' using 1:2 with linespoints lw 2 title 'boot, cold heap', \
     '' using 1:3 with linespoints lw 2 title 'boot, warm heap', \
     '' using 1:11 with linespoints lw 2 title 'boot, cold, fake platform excluded', \
     '' using 1:4 with linespoints title 'vpci_device_add', \
     '' using 1:5 with linespoints title 'hardware domain create', \
     '' using 1:6 with linespoints title 'decode enable (command write)', \
     '' using 1:7 with linespoints title 'one decode toggle write (cold heap)', \
     5000 with lines dt 2 lc rgb 'red' title 'target: 5000 per function'

unset logscale x
set output outdir.'/perf-access.png'
set title 'One 4-byte access via vpci_read/write, ECAM or the MSI-X entry, lookup included: core instructions, fake platform excluded (callgrind)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 40 right
set xlabel ''
set ylabel 'instructions per access'
set bmargin 16
set lmargin 12
set key outside top center horizontal
plot data.'/access.tsv' using 4:xtic(1) title 'hardware domain', \
     '' using 5 title 'guest', \
     150 with lines dt 2 lc rgb 'red' title 'target: 150', \
     300 with lines dt 3 lc rgb 'orange' title 'target for a command write: 300'

unset style
set style data linespoints
unset xtics
set xtics 16 format '0x%02x' rotate by 0
set bmargin 4
set output outdir.'/perf-dwords.png'
set title 'Every dword of the standard header and capability space on its own: core instructions of one 4-byte access (callgrind)'
set xlabel 'dword offset'
set xrange [0:252]
plot data.'/access-dwords.tsv' using 1:2 lw 2 title 'hwdom read', \
     '' using 1:3 lw 2 title 'hwdom write', \
     '' using 1:6 lw 2 title 'guest read', \
     '' using 1:7 lw 2 title 'guest write', \
     '' using 1:4 dt 3 title 'hwdom ECAM read', \
     '' using 1:8 dt 3 title 'guest ECAM read', \
     150 with lines dt 2 lc rgb 'red' title 'target: 150'
