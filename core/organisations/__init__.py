"""Community organisations and volunteer teams (社会组织、志愿者服务队): responsible actors with
a public page, members and coordinators, activities, sign-ups, attendance and volunteer
hours. Commands live in manage, membership, activities and hours; reading in queries."""
